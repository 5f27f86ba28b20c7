# Benchmark: payout batch generation (DESIGN.md section 8).
# Run: tools/bench tests/benchmarks/bench_payout_generation.py
# Builds N beneficiaries set-based (SQL), generates one batch with
# action_generate_lines and, on the same data in the same run, fills a second
# batch with a plain loop of one ORM create per line; prints both and the ratio.
# Rolls everything back at the end.
# ruff: noqa: F821
import os
import time
from datetime import date

from odoo import Command
from odoo.tools import SQL

N = int(os.environ.get("BENCH_N", "100000"))
# The plain loop runs on the first LOOP_N lines of the same data (the full
# 100,000 take over a quarter of an hour: one create costs more as the batch
# grows) and its time is scaled linearly to N, which favours the loop.
LOOP_N = int(os.environ.get("BENCH_LOOP_N", "10000"))
COMMUNES = 20
cr = env.cr


def bench(name, value, unit):
    print(f"BENCH {name}: {value} {unit}")


def build_registry(n):
    Area = env["social.area"]
    province = Area.create(
        {"name": "Bench Province", "code": "BP1", "level": "province"}
    )
    district = Area.create(
        {
            "name": "Bench District",
            "code": "BD1",
            "level": "district",
            "parent_id": province.id,
        }
    )
    communes = Area.create(
        [
            {
                "name": f"Bench Commune {i}",
                "code": f"BC{i:03d}",
                "level": "commune",
                "parent_id": district.id,
            }
            for i in range(COMMUNES)
        ]
    )
    env.flush_all()
    category = env.ref("social_beneficiary.category_btxh_k5a_60")
    bank = env.ref("social_beneficiary.bank_vcb")
    commune_ids = communes.ids
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_beneficiary, area_id,
                                     province_id, active, type, autopost_bills,
                                     create_date, write_date)
            SELECT 'Bench Beneficiary ' || g, 'Bench Beneficiary ' || g, TRUE,
                   (%(communes)s::int[])[1 + mod(g, %(ncommunes)s)], %(province)s, TRUE,
                   'contact', 'ask', now(), now()
              FROM generate_series(1, %(n)s) g
            RETURNING id
            """,
            communes=commune_ids,
            ncommunes=len(commune_ids),
            province=province.id,
            n=n,
        )
    )
    partner_ids = [r[0] for r in cr.fetchall()]
    cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
            partner_ids,
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO social_allowance (partner_id, category_id, program_id,
                coefficient, date_start, decision_ref, decision_date, state, area_id,
                create_date, write_date)
            SELECT p.id, %(category)s, %(program)s, 1.5, '2023-01-01',
                   'QD-' || p.id, '2022-12-20', 'active', p.area_id, now(), now()
              FROM res_partner p WHERE p.id = ANY(%(ids)s)
            """,
            category=category.id,
            program=category.program_id.id,
            ids=partner_ids,
        )
    )
    # 60 % paid into a bank account, the others in cash without registration.
    banked = partner_ids[: int(n * 0.6)]
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner_bank (partner_id, acc_number, sanitized_acc_number,
                bank_id, active, allow_out_payment, create_date, write_date)
            SELECT id, 'ACC' || id, 'ACC' || id, %(bank)s, TRUE, FALSE, now(), now()
              FROM unnest(%(ids)s::int[]) id
            """,
            bank=bank.id,
            ids=banked,
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO social_payment_registration (beneficiary_id, method,
                payee_role, bank_account_id, payee_id, date_from, state, area_id,
                create_date, write_date)
            SELECT b.partner_id, 'bank', 'self', b.id, b.partner_id, '2024-01-01',
                   'verified', p.area_id, now(), now()
              FROM res_partner_bank b JOIN res_partner p ON p.id = b.partner_id
             WHERE b.partner_id = ANY(%(ids)s)
            """,
            ids=banked,
        )
    )
    # As autovacuum would after such a load: the planner needs the row counts.
    for table in (
        "res_partner",
        "social_allowance",
        "res_partner_bank",
        "social_payment_registration",
        "social_area",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    return district, category.program_id


def make_provider(name):
    partner = env["res.partner"].create({"name": name, "is_company": True})
    return env["social.payout.provider"].create(
        {
            "name": name,
            "partner_id": partner.id,
            "fee_rule_ids": [
                Command.create(
                    {
                        "method": m,
                        "percent": 0.8,
                        "min_amount": 1000,
                        "max_amount": 50000,
                    }
                )
                for m in ("bank", "ewallet", "cash_point", "cash_home")
            ],
        }
    )


t0 = time.perf_counter()
district, program = build_registry(N)
bench("payout_build_registry_seconds", round(time.perf_counter() - t0, 2), "s")

Batch = env["social.payout.batch"]
# the synchronous set-based path (above the threshold the same code runs in
# chunked background jobs: tests/benchmarks/bench_province_month.py)
env["ir.config_parameter"].set_param("social_payout.job_threshold", str(N * 10))
batch = Batch.create(
    {
        "program_id": program.id,
        "period": date(2024, 7, 1),
        "area_id": district.id,
        "provider_id": make_provider("Bench VNPost").id,
    }
)
env.flush_all()
t0 = time.perf_counter()
batch.action_generate_lines()
env.flush_all()
generation = time.perf_counter() - t0
bench("payout_generation_lines", batch.line_count, "lines")
bench("payout_generation_seconds", round(generation, 2), "s")

# The same lines, one ORM create each, into a batch of another month (a
# beneficiary is paid once per month).
loop_batch = Batch.create(
    {
        "program_id": program.id,
        "period": date(2024, 8, 1),
        "area_id": district.id,
        "provider_id": make_provider("Bench Loop Provider").id,
    }
)
cr.execute(
    SQL(
        """
        SELECT partner_id, area_id, payee_id, payee_role, method, bank_account_id,
               regular_amount, arrears_amount, arrears_months, carry_over_amount,
               amount, change_type, flags
          FROM social_payout_line WHERE batch_id = %s ORDER BY id
        """,
        batch.id,
    )
)
rows = cr.dictfetchall()[:LOOP_N]
# lines are written by the actions only: the baseline uses their sentinel
Line = env["social.payout.line"]._workflow_env_records()
provider = loop_batch.provider_id
t0 = time.perf_counter()
for row in rows:
    Line.create(
        dict(
            row,
            batch_id=loop_batch.id,
            reference=f"LOOP-{row['partner_id']}",
            fee_amount=provider._compute_fee(row["method"], row["amount"]),
        )
    )
env.flush_all()
loop = time.perf_counter() - t0
loop_full = loop * len(batch.line_ids) / len(rows)
bench("payout_generation_orm_loop_lines", len(rows), "lines")
bench("payout_generation_orm_loop_seconds", round(loop, 2), "s")
bench("payout_generation_orm_loop_per_line_ms", round(loop / len(rows) * 1000, 2), "ms")
bench("payout_generation_orm_loop_scaled_seconds", round(loop_full, 1), "s")
bench("payout_generation_speedup_ratio", round(loop_full / generation, 1), "x")
bench(
    "payout_generation_target_met",
    int(generation <= 15 and loop_full / generation >= 10),
    "bool",
)

env.cr.rollback()

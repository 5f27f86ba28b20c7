"""What the benchmarks share: the printed figures and a registry built in SQL.

The scripts run in `odoo shell` (tools/bench) and import this module from
tests/benchmarks; every function takes the shell's `env`.
"""

import os
import resource

from odoo import Command
from odoo.tools import SQL


def bench(name, value, unit):
    print(f"BENCH {name}: {value} {unit}", flush=True)


def peak_rss_mib(children=False):
    """Peak memory of this process or (``children``) of the largest of its
    ended child processes."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def cpu_seconds(env):
    """(this process, its PostgreSQL backend) CPU seconds so far: on a shared
    machine the wall time varies with the others' load, the work does not.
    Where Python prepares rows while PostgreSQL writes others (a second
    thread on the same cursor), the wall time on an idle machine is about the
    larger of the two plus what cannot overlap."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    python = usage.ru_utime + usage.ru_stime
    env.cr.execute("SELECT pg_backend_pid()")
    try:
        with open(f"/proc/{env.cr.fetchone()[0]}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        postgres = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:  # PostgreSQL on another host
        postgres = float("nan")
    return python, postgres


def build_registry(env, n, districts=1, communes_per_district=20, code="BP1"):
    """``n`` active BTXH beneficiaries (category k5a_60) spread over the
    communes of ``districts`` districts of one province, 60 % paid into a bank
    account (verified registration), the others in cash without registration.
    Returns (the area a batch covers: the district when there is one, else the
    province; the program)."""
    cr = env.cr
    Area = env["social.area"]
    province = Area.create(
        {"name": f"Bench Province {code}", "code": code, "level": "province"}
    )
    district_records = Area.browse()
    commune_ids = []
    for d in range(districts):
        district = Area.create(
            {
                "name": f"Bench District {code}-{d}",
                "code": f"{code}D{d}",
                "level": "district",
                "parent_id": province.id,
            }
        )
        district_records |= district
        commune_ids += Area.create(
            [
                {
                    "name": f"Bench Commune {code}-{d}-{c}",
                    "code": f"{code}D{d}C{c:02d}",
                    "level": "commune",
                    "parent_id": district.id,
                }
                for c in range(communes_per_district)
            ]
        ).ids
    env.flush_all()
    category = env.ref("social_beneficiary.category_btxh_k5a_60")
    bank = env.ref("social_beneficiary.bank_vcb")
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_beneficiary, area_id,
                                     province_id, active, type, autopost_bills,
                                     create_date, write_date)
            SELECT 'Bench Beneficiary ' || g, 'Bench Beneficiary ' || g, TRUE,
                   (%(communes)s::int[])[1 + mod(g, %(ncommunes)s)], %(province)s,
                   TRUE, 'contact', 'ask', now(), now()
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
    area = district_records if len(district_records) == 1 else province
    return area, category.program_id


def make_provider(env, name, percent=0.8):
    partner = env["res.partner"].create({"name": name, "is_company": True})
    return env["social.payout.provider"].create(
        {
            "name": name,
            "partner_id": partner.id,
            "fee_rule_ids": [
                Command.create(
                    {
                        "method": m,
                        "percent": percent,
                        "min_amount": 1000,
                        "max_amount": 50000,
                    }
                )
                for m in ("bank", "ewallet", "cash_point", "cash_home")
            ],
        }
    )

# Benchmark: payout batch generation (DESIGN.md section 8).
# Run: tools/bench tests/benchmarks/bench_payout_generation.py
# Builds N beneficiaries set-based (SQL), generates one batch with
# action_generate_lines and, on the same data in the same run, fills a second
# batch with a plain loop of one ORM create per line; prints both and the ratio.
# Rolls everything back at the end.
# ruff: noqa: F821
import os
import sys
import time
from datetime import date

from odoo.tools import SQL

sys.path.insert(0, "tests/benchmarks")
from bench_common import bench, build_registry, cpu_seconds, make_provider

N = int(os.environ.get("BENCH_N", "100000"))
# The plain loop runs on the first LOOP_N lines of the same data (the full
# 100,000 take over a quarter of an hour: one create costs more as the batch
# grows) and its time is scaled linearly to N, which favours the loop.
LOOP_N = int(os.environ.get("BENCH_LOOP_N", "10000"))
COMMUNES = 20
cr = env.cr


t0 = time.perf_counter()
district, program = build_registry(env, N, communes_per_district=COMMUNES)
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
        "provider_id": make_provider(env, "Bench VNPost").id,
    }
)
env.flush_all()
cpu_start = cpu_seconds(env)
t0 = time.perf_counter()
batch.action_generate_lines()
env.flush_all()
generation = time.perf_counter() - t0
cpu_end = cpu_seconds(env)
bench("payout_generation_lines", batch.line_count, "lines")
bench("payout_generation_seconds", round(generation, 2), "s")
bench("payout_generation_cpu_python_seconds", round(cpu_end[0] - cpu_start[0], 2), "s")
bench(
    "payout_generation_cpu_postgres_seconds", round(cpu_end[1] - cpu_start[1], 2), "s"
)

# The same lines, one ORM create each, into a batch of another month (a
# beneficiary is paid once per month).
loop_batch = Batch.create(
    {
        "program_id": program.id,
        "period": date(2024, 8, 1),
        "area_id": district.id,
        "provider_id": make_provider(env, "Bench Loop Provider").id,
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
    # DESIGN.md section 8: at most 3 s and at least 30 times the loop, at 100,000
    "payout_generation_target_met",
    int(N >= 100000 and generation <= 3 and loop_full / generation >= 30),
    "bool",
)

env.cr.rollback()

# Benchmark: a province's month through the job queue (DESIGN.md section 8:
# a province month of 300,000 lines within 60 s).
# Run: tools/bench tests/benchmarks/bench_province_month.py   (BENCH_N to change)
# Builds N beneficiaries across the communes of three districts (SQL), then,
# for one batch of the whole province, each stage as production runs it:
#   1. generation: action_generate_lines queues chunked jobs on root.social;
#   2. provider file: the XLSX report (streamed, constant memory);
#   3. result import: the import wizard queues a job (all-or-nothing check
#      and COPY of the rows);
#   4. validation: action_validate queues chunked jobs.
# The jobs are stored in queue_job as the job runner finds them and performed
# here, in this process, the way the runner's controller does (load, start,
# perform, done). The transfer itself (approval, accounting entry) is not a
# stage here: the batch is marked transferred in SQL between 2 and 3.
# Prints each stage's time, the total and the peak memory (ru_maxrss).
# Rolls everything back at the end.
# ruff: noqa: F821
import base64
import io
import os
import resource
import tempfile
import time
from datetime import date

import xlsxwriter

from odoo import Command
from odoo.tools import SQL

from odoo.addons.queue_job.job import Job

N = int(os.environ.get("BENCH_N", "300000"))
DISTRICTS = 3
COMMUNES_PER_DISTRICT = 20
PERIOD = date(2024, 7, 1)
LIMIT_SECONDS = 60
cr = env.cr


def bench(name, value, unit):
    print(f"BENCH {name}: {value} {unit}", flush=True)


def peak_rss_mib():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def build_registry(n):
    Area = env["social.area"]
    province = Area.create(
        {"name": "Province Bench", "code": "PV1", "level": "province"}
    )
    commune_ids = []
    for d in range(DISTRICTS):
        district = Area.create(
            {
                "name": f"Province Bench District {d}",
                "code": f"PV1D{d}",
                "level": "district",
                "parent_id": province.id,
            }
        )
        commune_ids += Area.create(
            [
                {
                    "name": f"Province Bench Commune {d}-{c}",
                    "code": f"PV1D{d}C{c:02d}",
                    "level": "commune",
                    "parent_id": district.id,
                }
                for c in range(COMMUNES_PER_DISTRICT)
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
            SELECT 'Province Beneficiary ' || g, 'Province Beneficiary ' || g, TRUE,
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
    for table in (
        "res_partner",
        "social_allowance",
        "res_partner_bank",
        "social_payment_registration",
        "social_area",
    ):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    return province, category.program_id


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


def run_jobs():
    """Perform the pending jobs of root.social, oldest first, as the job
    runner's controller does; a job may queue the next chunk."""
    count = 0
    while True:
        env.flush_all()
        cr.execute(
            "SELECT uuid FROM queue_job WHERE state = 'pending'"
            " AND channel LIKE 'root.social%%' ORDER BY id LIMIT 1"
        )
        row = cr.fetchone()
        if not row:
            return count
        job = Job.load(env, row[0])
        job.set_started()
        job.store()
        job.perform()
        job.set_done()
        job.store()
        count += 1


def result_file(batch):
    """The provider's result file: 1 line in 20 unpaid, two header rows."""
    cr.execute(
        SQL(
            "SELECT reference, amount FROM social_payout_line WHERE batch_id = %s"
            " ORDER BY id",
            batch.id,
        )
    )
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Mã chi trả", "Trạng thái", "Số tiền đã chi", "Ngày chi"])
    sheet.write_row(
        1,
        0,
        ["reference", "status", "amount_paid", "paid_date", "provider_ref", "reason"],
    )
    for index, (reference, amount) in enumerate(cr.fetchall()):
        if index % 20 == 0:
            row = [reference, "failed", 0, "", "", "Vắng nhà"]
        else:
            row = [reference, "paid", amount, "2024-07-10", f"GD{index:08d}", ""]
        sheet.write_row(index + 2, 0, row)
    workbook.close()
    return buffer.getvalue()


def stage(name, started, timings):
    elapsed = time.perf_counter() - started
    timings[name] = elapsed
    bench(f"province_{name}_seconds", round(elapsed, 2), "s")


def run():
    timings = {}
    bench(
        "province_job_threshold", env["social.payout.batch"]._job_threshold(), "lines"
    )
    bench(
        "province_job_chunk_size", env["social.payout.batch"]._job_chunk_size(), "lines"
    )
    t0 = time.perf_counter()
    province, program = build_registry(N)
    bench("province_build_registry_seconds", round(time.perf_counter() - t0, 2), "s")
    batch = env["social.payout.batch"].create(
        {
            "program_id": program.id,
            "period": PERIOD,
            "area_id": province.id,
            "provider_id": make_provider("Province Bench Provider").id,
        }
    )
    env.flush_all()
    rss_before = peak_rss_mib()

    t0 = time.perf_counter()
    batch.action_generate_lines()
    jobs = run_jobs()
    env.flush_all()
    stage("generation", t0, timings)
    assert batch.job_state == "done", batch.job_state
    bench("province_generation_jobs", jobs, "jobs")
    bench("province_lines", batch.line_count, "lines")

    t0 = time.perf_counter()
    report = env["report.social_payout.provider_file_xlsx"].with_context(
        active_model="social.payout.batch"
    )
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    workbook = xlsxwriter.Workbook(path, report.get_workbook_options())
    report.generate_xlsx_report(workbook, {}, batch)
    workbook.close()
    size = os.path.getsize(path)
    os.unlink(path)
    stage("provider_xlsx", t0, timings)
    bench("province_provider_xlsx_size", round(size / 1024 / 1024, 1), "MiB")

    cr.execute(
        SQL(
            "UPDATE social_payout_batch SET state = 'transferred', transfer_date = %s"
            " WHERE id = %s",
            PERIOD,
            batch.id,
        )
    )
    batch.invalidate_recordset()
    content = result_file(batch)

    t0 = time.perf_counter()
    wizard = env["social.payout.result.import"].create(
        {
            "batch_id": batch.id,
            "file": base64.b64encode(content),
            "filename": "ket_qua.xlsx",
        }
    )
    wizard.action_import()
    jobs = run_jobs()
    env.flush_all()
    stage("result_import", t0, timings)
    assert batch.job_state == "done", batch.job_state
    bench("province_result_import_jobs", jobs, "jobs")
    reconciliation = batch.reconciliation_ids

    t0 = time.perf_counter()
    reconciliation.action_validate()
    jobs = run_jobs()
    env.flush_all()
    stage("validation", t0, timings)
    assert reconciliation.state == "validated", reconciliation.state
    assert reconciliation.unpaid_count == (batch.line_count + 19) // 20
    bench("province_validation_jobs", jobs, "jobs")

    total = sum(timings.values())
    bench("province_month_total_seconds", round(total, 2), "s")
    bench("province_month_limit_seconds", LIMIT_SECONDS, "s")
    bench("province_month_within_limit", int(total <= LIMIT_SECONDS), "bool")
    bench("province_peak_rss", peak_rss_mib(), "MiB")
    bench("province_peak_rss_growth", round(peak_rss_mib() - rss_before, 1), "MiB")


try:
    run()
finally:
    env.cr.rollback()

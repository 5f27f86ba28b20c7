# Benchmark: provider file XLSX and batch form opening (DESIGN.md section 8).
# Run: tools/bench tests/benchmarks/bench_payout_xlsx_form.py
# Builds batches of 100, 10,000 and 100,000 lines set-based (SQL), then
# - writes the provider XLSX (time, and peak Python memory with tracemalloc
#   while the rows are written; the file itself goes to a temporary file);
# - opens the batch form as the web client does (web_read of the form fields,
#   the first page of lines and the totals by method and commune).
# Rolls everything back at the end.
# ruff: noqa: F821
import os
import tempfile
import time
import tracemalloc
from datetime import date

import xlsxwriter

from odoo.tools import SQL

cr = env.cr


def bench(name, value, unit):
    print(f"BENCH {name}: {value} {unit}", flush=True)


Area = env["social.area"]
province = Area.create({"name": "Bench Province X", "code": "BPX", "level": "province"})
district = Area.create(
    {
        "name": "Bench District X",
        "code": "BDX",
        "level": "district",
        "parent_id": province.id,
    }
)
communes = Area.create(
    [
        {
            "name": f"Bench Commune X{i}",
            "code": f"BCX{i:03d}",
            "level": "commune",
            "parent_id": district.id,
        }
        for i in range(20)
    ]
)
program = env.ref("social_beneficiary.program_btxh")
bank = env.ref("social_beneficiary.bank_vcb")
provider = env["social.payout.provider"].create(
    {
        "name": "Bench Provider X",
        "partner_id": env["res.partner"].create({"name": "Bench Provider X"}).id,
    }
)
env.flush_all()


def make_batch(n, month):
    batch = env["social.payout.batch"].create(
        {
            "program_id": program.id,
            "period": month,
            "area_id": district.id,
            "provider_id": provider.id,
        }
    )
    env.flush_all()
    cr.execute(
        SQL(
            """
            WITH p AS (
                INSERT INTO res_partner (name, complete_name, is_beneficiary, area_id,
                    citizen_id, beneficiary_ref, active, type, autopost_bills)
                SELECT 'Bench X ' || g, 'Bench X ' || g, TRUE,
                       (%(communes)s::int[])[1 + mod(g, 20)],
                       lpad((%(batch)s::bigint * 1000000 + g)::text, 12, '0'),
                       'BX' || %(batch)s || '-' || g, TRUE,
                       'contact', 'ask'
                  FROM generate_series(1, %(n)s) g
                RETURNING id, area_id
            ), b AS (
                INSERT INTO res_partner_bank (partner_id, acc_number,
                    sanitized_acc_number, bank_id, active, allow_out_payment)
                SELECT id, 'ACC' || id, 'ACC' || id, %(bank)s, TRUE, FALSE FROM p
                RETURNING id, partner_id
            )
            INSERT INTO social_payout_line (batch_id, program_id, period, reference,
                partner_id, area_id, payee_id, payee_role, method, bank_account_id,
                regular_amount, arrears_amount, arrears_months, carry_over_amount,
                amount, fee_amount, previous_amount, change_type, state)
            SELECT %(batch)s, %(program)s, %(month)s, 'BX-' || %(batch)s || '-' || p.id,
                   p.id, p.area_id, p.id, 'self', 'bank', b.id,
                   750000, 0, 0, 0, 750000, 6000, 750000, 'continuing', 'pending'
              FROM p JOIN b ON b.partner_id = p.id
            """,
            communes=communes.ids,
            n=n,
            bank=bank.id,
            batch=batch.id,
            program=program.id,
            month=month,
        )
    )
    # As autovacuum would after such a load: the planner needs the row counts.
    for table in ("res_partner", "res_partner_bank", "social_payout_line"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    env.add_to_compute(batch._fields["amount_total"], batch)
    env.add_to_compute(batch._fields["fee_total"], batch)
    env.add_to_compute(batch._fields["line_count"], batch)
    batch._update_summary()
    env.flush_all()
    return batch


report = env["report.social_payout.provider_file_xlsx"].with_context(
    active_model="social.payout.batch"
)


def write_xlsx(batch):
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    workbook = xlsxwriter.Workbook(path, report.get_workbook_options())
    report.generate_xlsx_report(workbook, {}, batch)
    workbook.close()
    size = os.path.getsize(path)
    os.unlink(path)
    return size


batches = {
    100: make_batch(100, date(2024, 1, 1)),
    10000: make_batch(10000, date(2024, 2, 1)),
    100000: make_batch(100000, date(2024, 3, 1)),
}


def write_xlsx_baseline(batch):
    """The writer as it was before (every cell through write_cell's type
    dispatch and xlsxwriter's decorated methods): the same run's baseline."""
    from odoo.addons.social_beneficiary.tools.spreadsheet import write_cells

    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    workbook = xlsxwriter.Workbook(path, report.get_workbook_options())
    sheet = workbook.add_worksheet("baseline")
    money = workbook.add_format({"num_format": "#,##0"})
    for index, row in enumerate(batch._iter_provider_file_rows(), start=2):
        write_cells(sheet, index, 0, row[:9])
        sheet.write_number(index, 9, row[9], money)
        sheet.write_string(index, 10, row[10])
    workbook.close()
    os.unlink(path)


env.invalidate_all()
t0 = time.perf_counter()
write_xlsx_baseline(batches[100000])
bench("payout_xlsx_100000_baseline_seconds", round(time.perf_counter() - t0, 2), "s")

for n in (10000, 100000):
    batch = batches[n]
    env.invalidate_all()
    t0 = time.perf_counter()
    size = write_xlsx(batch)
    elapsed = time.perf_counter() - t0
    env.invalidate_all()
    tracemalloc.start()
    write_xlsx(batch)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bench(f"payout_xlsx_{n}_seconds", round(elapsed, 2), "s")
    bench(f"payout_xlsx_{n}_peak_memory", round(peak / 1024 / 1024, 2), "MiB")
    bench(f"payout_xlsx_{n}_file_size", round(size / 1024 / 1024, 2), "MiB")
# The full report path too (the file is returned as bytes to the browser).
t0 = time.perf_counter()
content, _kind = env["ir.actions.report"]._render_xlsx(
    "social_payout.provider_file_xlsx", batches[100000].ids, None
)
bench("payout_xlsx_100000_report_seconds", round(time.perf_counter() - t0, 2), "s")

# Opening the form: what the web client asks for.
form_spec = {
    "name": {},
    "state": {},
    "program_id": {"fields": {"display_name": {}}},
    "period": {},
    "area_id": {"fields": {"display_name": {}}},
    "provider_id": {"fields": {"display_name": {}}},
    "company_id": {"fields": {"display_name": {}}},
    "amount_total": {},
    "fee_total": {},
    "line_count": {},
    "warning_count": {},
    "dropout_count": {},
    "transfer_date": {},
    "transfer_move_id": {},
    "generated_date": {},
    "generation_note": {},
    "summary_html": {},
    "submitted_by": {},
    "submitted_date": {},
    "approved_by": {},
    "approved_date": {},
    "transferred_by": {},
    "transferred_date": {},
    "cancelled_by": {},
    "cancel_reason": {},
    "page_line_ids": {
        "fields": {
            "reference": {},
            "partner_id": {"fields": {"display_name": {}}},
            "area_id": {"fields": {"display_name": {}}},
            "payee_id": {"fields": {"display_name": {}}},
            "method": {},
            "bank_account_id": {"fields": {"display_name": {}}},
            "amount": {},
            "fee_amount": {},
            "change_type": {},
            "flags": {},
            "state": {},
        },
        "limit": 80,
    },
    "message_follower_ids": {},
    "activity_ids": {},
}
timings = {}
for n in (100, 100000):
    runs = []
    for _i in range(5):
        env.invalidate_all()
        t0 = time.perf_counter()
        batches[n].web_read(form_spec)
        runs.append(time.perf_counter() - t0)
    timings[n] = sorted(runs)[len(runs) // 2]
    bench(f"payout_form_open_{n}_lines_ms", round(timings[n] * 1000, 1), "ms")
bench(
    "payout_form_open_ratio_100000_vs_100",
    round(timings[100000] / timings[100], 2),
    "x",
)

env.cr.rollback()

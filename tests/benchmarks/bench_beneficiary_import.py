# Benchmark (not a test): preview and apply a 100,000-row beneficiary list.
# Run: tools/bench tests/benchmarks/bench_beneficiary_import.py
# (inside `odoo shell`: the global `env` is given; everything is rolled back.)
# DESIGN.md §8: import a 100,000-row beneficiary list (preview and apply) in at
# most 30 s. BENCH_IMPORT_ROWS sets the row count (default 100,000).
# Beside it, the baseline: Odoo's generic import (``res.partner.load``, what
# the Import button of a list does) of the same beneficiaries (person fields
# only, no decision, account or registration), on the first
# BENCH_BASELINE_ROWS rows (default: all, at most 5,000: the generic import
# is linear and takes minutes beyond), compared per row. Peak memory is the
# process's peak resident size (ru_maxrss) after each step.
# ruff: noqa: F821
import base64
import csv
import io
import os
import resource
import time

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
LIMIT_SECONDS = 30.0
BASELINE_ROWS = min(ROWS, int(os.environ.get("BENCH_BASELINE_ROWS", "5000")))


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(communes):
    """Seconds per row of Odoo's generic import of the same people."""
    area_ids = dict(zip(communes.mapped("code"), communes.ids, strict=True))
    codes = communes.mapped("code")
    header = [
        "name",
        "citizen_id",
        "birth_date",
        "gender",
        "is_beneficiary",
        "area_id/.id",
    ]
    data = []
    for i in range(BASELINE_ROWS):
        year = 1930 + i % 60
        female = i % 2
        data.append(
            [
                f"Người Thử {i}",
                f"001{female}{year % 100:02d}{i:06d}",
                f"{year}-01-15",
                "female" if female else "male",
                "1",
                str(area_ids[codes[i % len(codes)]]),
            ]
        )
    env.cr.execute("SAVEPOINT bench_baseline")
    try:
        start = time.perf_counter()
        result = env["res.partner"].load(header, data)
        env.flush_all()
        seconds = time.perf_counter() - start
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_baseline")
        env.invalidate_all()
    errors = [m for m in result["messages"] if m.get("type") == "error"]
    if errors:
        print(f"BENCH baseline errors: {errors[:3]}")
    print(
        f"BENCH beneficiary_import_baseline_generic_{BASELINE_ROWS}: "
        f"{seconds:.2f} s ({seconds / BASELINE_ROWS * 1000:.2f} ms/row, "
        f"peak {peak_mb():.0f} MB)"
    )
    return seconds / BASELINE_ROWS


HEADER = [
    "citizen_id",
    "name",
    "birth_date",
    "gender",
    "commune_code",
    "program",
    "category",
    "date_start",
    "decision_ref",
    "decision_date",
    "method",
    "bank_bin",
    "account_number",
]


def build_file(commune_codes):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADER)
    for i in range(ROWS):
        year = 1930 + i % 60
        female = i % 2
        citizen_id = f"001{female}{year % 100:02d}{i:06d}"
        writer.writerow(
            [
                citizen_id,
                f"Người Thử {i}",
                f"{year}-01-15",
                "female" if female else "male",
                commune_codes[i % len(commune_codes)],
                "BTXH",
                "k5a_80",
                "01/07/2024",
                f"{i}/QĐ-BENCH",
                "10/07/2024",
                "bank",
                "970405",
                f"99{i:010d}",
            ]
        )
    return output.getvalue().encode("utf-8")


def main():
    communes = env["social.area"].search([("level", "=", "commune")], limit=20)
    per_row_baseline = baseline(communes)
    content = build_file(communes.mapped("code"))
    Wizard = env["social.beneficiary.import"]
    wizard = Wizard.create({"file": base64.b64encode(content), "filename": "bench.csv"})
    env.cr.execute("SAVEPOINT bench_import")
    try:
        # the synchronous path: what one request (or one job) does
        env["ir.config_parameter"].sudo().set_param(
            "social_beneficiary.import_job_threshold", str(ROWS)
        )
        start = time.perf_counter()
        wizard.action_preview()
        preview = time.perf_counter() - start
        print(
            f"BENCH beneficiary_import_preview_{ROWS}: {preview:.2f} s "
            f"(peak {peak_mb():.0f} MB)"
        )
        print(
            f"BENCH beneficiary_import_preview_counts: new {wizard.count_new} "
            f"refused {wizard.count_refused}"
        )
        start = time.perf_counter()
        wizard.action_apply()
        env.flush_all()
        apply = time.perf_counter() - start
        print(
            f"BENCH beneficiary_import_apply_{ROWS}: {apply:.2f} s "
            f"(peak {peak_mb():.0f} MB)"
        )
        total = preview + apply
        verdict = "OK" if total <= LIMIT_SECONDS else "OVER"
        print(
            f"BENCH beneficiary_import_total_{ROWS}: {total:.2f} s "
            f"(limit {LIMIT_SECONDS:.0f} s, {verdict}; "
            f"{total / ROWS * 1000:.2f} ms/row)"
        )
        print(
            f"BENCH beneficiary_import_vs_generic: generic import of the people "
            f"alone {per_row_baseline * 1000:.2f} ms/row, this import (people, "
            f"decisions, accounts, registrations, checks) {total / ROWS * 1000:.2f} "
            f"ms/row: ratio {per_row_baseline * ROWS / total:.2f}x"
        )
        start = time.perf_counter()
        again = Wizard.create(
            {"file": base64.b64encode(content), "filename": "bench.csv"}
        )
        again.action_preview()
        print(
            f"BENCH beneficiary_import_second_preview_{ROWS}: "
            f"{time.perf_counter() - start:.2f} s "
            f"(unchanged {again.count_unchanged})"
        )
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_import")
        env.cr.rollback()


main()

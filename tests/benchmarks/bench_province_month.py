# Benchmark: a province's month through the job queue (DESIGN.md section 8:
# a province month of 300,000 lines within 60 s).
# Run: tools/bench tests/benchmarks/bench_province_month.py   (BENCH_N to change;
# BENCH_JOB_WORKERS: jobs at a time, default 2; BENCH_CHUNK_SIZE: the setting
# social_payout.job_chunk_size for this run)
# Builds N beneficiaries across the communes of three districts (SQL), then,
# for one batch of the whole province, each stage as production runs it:
#   1. generation: action_generate_lines queues chunked jobs on root.social
#      (a start, the chunks side by side, an end);
#   2. provider file: the XLSX report (streamed, constant memory);
#   3. result import: the import wizard queues a job (all-or-nothing check
#      and COPY of the rows);
#   4. validation: action_validate queues chunked jobs.
# The jobs are stored in queue_job as the job runner finds them and performed
# by BENCH_JOB_WORKERS worker processes forked from this one (default 2: the
# channel's capacity in config/odoo.prod.conf, one prefork worker each), each
# on its own connection the way the runner's controller does (load, start,
# perform, done), each job committed as the runner commits it. Not measured:
# the runner's own delay between a job done and the next one sent to a worker
# (a notification and an HTTP request, three times in a generation). A stage
# reads what the earlier ones committed, as in production, where the lines are
# generated days before the provider's file comes back. (Run in one
# transaction, PostgreSQL re-checked every foreign key of the lines when the
# validation updated them: a cost production never pays.) The transfer itself
# (approval, accounting entry) is not a stage here: the batch is marked
# transferred in SQL between 2 and 3.
# Prints each stage's time, the total and the peak memory (ru_maxrss) of this
# process (the requests, the provider file) and of the largest job worker.
# The registry is built and committed once and reused by the next runs; the
# month's batch, its lines, results and jobs are deleted at the end (and at
# the start, after a run that was interrupted).
# ruff: noqa: F821
import base64
import io
import os
import sys
import tempfile
import time
import traceback
from datetime import date

import xlsxwriter
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import SQL

from odoo.addons.queue_job.job import Job

sys.path.insert(0, "tests/benchmarks")
from bench_common import (
    bench,
    build_registry,
    make_provider,
    peak_rss_mib,
)

N = int(os.environ.get("BENCH_N", "300000"))
DISTRICTS = 3
COMMUNES_PER_DISTRICT = 20
PERIOD = date(2024, 7, 1)
LIMIT_SECONDS = 60
# jobs of root.social performed at the same time (config/odoo.prod.conf:
# root.social:2, one worker process each)
WORKERS = int(os.environ.get("BENCH_JOB_WORKERS", "2"))
# the generation plans its chunks for the channel's capacity, read from the
# server's configuration as the job runner reads it (config/odoo-test.conf
# starts no runner): here the channel is these workers
os.environ["ODOO_QUEUE_JOB_CHANNELS"] = f"root:{WORKERS},root.social:{WORKERS}"
cr = env.cr
# the benchmark's own connections, kept referenced in a forked worker
PARENT_CONNECTIONS = []


class JobWorkers:
    """WORKERS worker processes forked once, before the first stage, as
    Odoo's prefork server forks its workers once with the registry loaded:
    each keeps its own connections from one stage to the next, as a worker
    keeps its pooled connections from one request to the next."""

    def __init__(self, count):
        self.workers = []  # (pid, command pipe, answer pipe)
        for _i in range(count):
            command_read, command_write = os.pipe()
            answer_read, answer_write = os.pipe()
            pid = os.fork()
            if not pid:
                # only this process writes its commands: if it dies, the
                # worker reads the end of its pipe and ends too
                for _pid, other_command, other_answer in self.workers:
                    os.close(other_command)
                    os.close(other_answer)
                os.close(command_write)
                os.close(answer_read)
                os._exit(job_worker_loop(command_read, answer_write))
            os.close(command_read)
            os.close(answer_write)
            self.workers.append((pid, command_write, answer_read))

    def run(self):
        """Perform the jobs of root.social as the job runner does with the
        workers on the channel: each worker takes a pending job (a job's
        children become pending once it is done), performs it in a
        transaction of its own (load, start, perform, done) as the runner's
        controller does, and commits it. Returns the count."""
        env.flush_all()
        cr.commit()
        done_before = done_jobs()
        # this snapshot was taken before the jobs: a new one sees them
        cr.commit()
        for _pid, command, _answer in self.workers:
            os.write(command, b"r")
        failed = [
            answer
            for _pid, _command, answer in self.workers
            if os.read(answer, 1) != b"0"
        ]
        cr.rollback()
        env.invalidate_all()
        if failed:
            raise RuntimeError(f"{len(failed)} job worker(s) failed: see above")
        return done_jobs() - done_before

    def close(self):
        for pid, command, answer in self.workers:
            os.write(command, b"q")
            os.waitpid(pid, 0)
            os.close(command)
            os.close(answer)
        self.workers = []


def done_jobs():
    cr.execute(
        "SELECT count(*) FROM queue_job WHERE channel LIKE 'root.social%%'"
        " AND state = 'done'"
    )
    return cr.fetchone()[0]


def job_worker_loop(commands, answers):
    """A forked worker process: at each command of the benchmark, performs
    jobs until none is left on the channel and answers 0 (or 1 if one
    failed); ends when the benchmark says so. It leaves the
    benchmark's connections alone: Odoo's prefork server closes them before
    it forks, the benchmark keeps its own open, so the worker's pool forgets
    them (closing them here would end the benchmark's sessions) and the
    process ends with os._exit, which closes nothing."""
    for pool in (sql_db._Pool, getattr(sql_db, "_Pool_readonly", None)):
        if pool:
            PARENT_CONNECTIONS.extend(pool._connections)
            pool._connections = []
    registry = Registry(cr.dbname)
    while os.read(commands, 1) == b"r":
        status = perform_jobs(registry)
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(answers, b"1" if status else b"0")
    return 0


def perform_jobs(registry):
    """Perform the channel's jobs until none is left; 1 if one failed."""
    try:
        while True:
            with registry.cursor() as job_cr:
                try:
                    job_cr.execute(
                        "SELECT uuid FROM queue_job WHERE state = 'pending'"
                        " AND channel LIKE 'root.social%%' ORDER BY id LIMIT 1"
                        " FOR UPDATE SKIP LOCKED"
                    )
                except SerializationFailure:
                    # the other worker took that job since this transaction
                    # began (the runner itself hands each job out once)
                    job_cr.rollback()
                    continue
                row = job_cr.fetchone()
                if not row:
                    # another worker's job may still release its children
                    job_cr.execute(
                        "SELECT count(*) FROM queue_job WHERE channel LIKE"
                        " 'root.social%%' AND state IN"
                        " ('pending', 'enqueued', 'started', 'wait_dependencies')"
                    )
                    if not job_cr.fetchone()[0]:
                        return 0
                    job_cr.rollback()
                    time.sleep(0.005)
                    continue
                job_env = api.Environment(job_cr, SUPERUSER_ID, {})
                job = Job.load(job_env, row[0])
                job.set_started()
                job.store()
                job_cr.commit()
                job.perform()
                job_env.flush_all()
                job.set_done()
                job.store()
                job_env.flush_all()
                job_cr.commit()
                while True:
                    # as the runner's controller does: two chunks done at the
                    # same moment both release the job that waits for them
                    try:
                        job.enqueue_waiting()
                        job_cr.commit()
                        break
                    except SerializationFailure:
                        job_cr.rollback()
    except Exception:
        traceback.print_exc()
        return 1


def result_file(batch):
    """The provider's result file: 1 line in 20 unpaid, two header rows."""
    cr.execute(
        SQL(
            "SELECT reference, amount::bigint FROM social_payout_line"
            " WHERE batch_id = %s ORDER BY id",
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


def find_or_build_registry():
    """The province's registry (N beneficiaries), committed once and reused."""
    cr.execute(
        SQL(
            """
            SELECT a.id, (SELECT COUNT(*) FROM res_partner p
                           WHERE p.province_id = a.id AND p.is_beneficiary)
              FROM social_area a WHERE a.code = 'PV1' AND a.level = 'province'
            """
        )
    )
    row = cr.fetchone()
    if row and row[1] == N:
        return (
            env["social.area"].browse(row[0]),
            env.ref("social_beneficiary.program_btxh"),
            "reused",
        )
    if row:
        raise SystemExit(
            f"bench_province_month: the committed registry holds {row[1]} people,"
            f" not BENCH_N={N}: use another BENCH_DB."
        )
    province, program = build_registry(
        env,
        N,
        districts=DISTRICTS,
        communes_per_district=COMMUNES_PER_DISTRICT,
        code="PV1",
    )
    cr.commit()
    return province, program, "built and committed"


def delete_month(province):
    """Remove what a run made for the month (its batch, lines, results,
    jobs), committed: the registry stays for the next run."""
    cr.execute(
        SQL(
            "SELECT id FROM social_payout_batch WHERE area_id = %s AND period = %s",
            province.id,
            PERIOD,
        )
    )
    batch_ids = [r[0] for r in cr.fetchall()]
    if batch_ids:
        cr.execute(
            SQL(
                "SELECT id FROM social_payout_reconciliation WHERE batch_id = ANY(%s)",
                batch_ids,
            )
        )
        reconciliation_ids = [r[0] for r in cr.fetchall()]
        for model, ids in (
            ("social.payout.reconciliation", reconciliation_ids),
            ("social.payout.batch", batch_ids),
        ):
            cr.execute(
                SQL(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
                    model,
                    ids,
                )
            )
            cr.execute(
                SQL(
                    "DELETE FROM ir_attachment WHERE res_model = %s"
                    " AND res_id = ANY(%s)",
                    model,
                    ids,
                )
            )
        cr.execute(
            SQL(
                "DELETE FROM social_payout_reconciliation WHERE id = ANY(%s)",
                reconciliation_ids,
            )
        )
        cr.execute(
            SQL("DELETE FROM social_payout_line WHERE batch_id = ANY(%s)", batch_ids)
        )
        cr.execute(SQL("DELETE FROM social_payout_batch WHERE id = ANY(%s)", batch_ids))
    cr.execute("DELETE FROM queue_job WHERE channel LIKE 'root.social%%'")
    cr.commit()
    env.invalidate_all()


def stage(name, started, timings):
    elapsed = time.perf_counter() - started
    timings[name] = elapsed
    bench(f"province_{name}_seconds", round(elapsed, 2), "s")


def run():
    # a smaller BENCH_N still goes through the queue, in several chunks
    Params = env["ir.config_parameter"]
    if N <= env["social.payout.batch"]._job_threshold():
        Params.set_param("social_payout.job_threshold", str(N // 2))
        Params.set_param("social_payout.job_chunk_size", str(max(N // 4, 1)))
    if os.environ.get("BENCH_CHUNK_SIZE"):
        Params.set_param("social_payout.job_chunk_size", os.environ["BENCH_CHUNK_SIZE"])
    bench(
        "province_job_threshold", env["social.payout.batch"]._job_threshold(), "lines"
    )
    bench(
        "province_job_chunk_size", env["social.payout.batch"]._job_chunk_size(), "lines"
    )
    bench("province_job_workers", WORKERS, "workers")
    t0 = time.perf_counter()
    province, program, origin = find_or_build_registry()
    bench("province_registry", origin, "-")
    bench("province_build_registry_seconds", round(time.perf_counter() - t0, 2), "s")
    delete_month(province)
    batch = env["social.payout.batch"].create(
        {
            "program_id": program.id,
            "period": PERIOD,
            "area_id": province.id,
            "provider_id": (
                env["social.payout.provider"].search(
                    [("name", "=", "Province Bench Provider")], limit=1
                )
                or make_provider(env, "Province Bench Provider")
            ).id,
        }
    )
    env.flush_all()
    cr.commit()
    workers = JobWorkers(WORKERS)
    try:
        run_month(batch, workers)
    finally:
        workers.close()
    bench("province_job_worker_peak_rss", peak_rss_mib(children=True), "MiB")


def run_month(batch, workers):
    """The four stages, each timed, then the total and the peak memory."""
    timings = {}
    rss_before = peak_rss_mib()

    t0 = time.perf_counter()
    batch.action_generate_lines()
    jobs = workers.run()
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
    cr.commit()
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
    jobs = workers.run()
    env.flush_all()
    stage("result_import", t0, timings)
    assert batch.job_state == "done", batch.job_state
    bench("province_result_import_jobs", jobs, "jobs")
    reconciliation = batch.reconciliation_ids

    t0 = time.perf_counter()
    reconciliation.action_validate()
    jobs = workers.run()
    env.flush_all()
    stage("validation", t0, timings)
    assert reconciliation.state == "validated", reconciliation.state
    assert reconciliation.unpaid_count == (batch.line_count + 19) // 20
    bench("province_validation_jobs", jobs, "jobs")

    total = sum(timings.values())
    bench("province_month_total_seconds", round(total, 2), "s")
    bench("province_month_limit_seconds", LIMIT_SECONDS, "s")
    # the figure of DESIGN.md section 8 is for 300,000 lines
    bench(
        "province_month_within_limit",
        int(N >= 300000 and total <= LIMIT_SECONDS),
        "bool",
    )
    bench("province_peak_rss", peak_rss_mib(), "MiB")
    bench("province_peak_rss_growth", round(peak_rss_mib() - rss_before, 1), "MiB")


def restore_settings(saved):
    Params = env["ir.config_parameter"].sudo()
    for key, value in saved.items():
        Params.set_param(key, value)


SETTINGS = ("social_payout.job_threshold", "social_payout.job_chunk_size")
saved = {key: env["ir.config_parameter"].sudo().get_param(key) for key in SETTINGS}
try:
    run()
finally:
    env.cr.rollback()
    restore_settings(saved)
    province = env["social.area"].search(
        [("code", "=", "PV1"), ("level", "=", "province")], limit=1
    )
    if province:
        delete_month(province)
    env.cr.commit()

"""What the benchmarks share: the printed figures and a registry built in SQL.

The scripts run in `odoo shell` (tools/bench) and import this module from
tests/benchmarks; every function takes the shell's `env`.
"""

import os
import resource
import sys
import time
import traceback

import psycopg2
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import SQL

from odoo.addons.queue_job.job import Job

# the benchmark's own connections, kept referenced in a forked worker
PARENT_CONNECTIONS = []


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


def committed_registry(env, n, code, districts=1, communes_per_district=20):
    """The registry of ``n`` beneficiaries of the province ``code``
    (``build_registry``), built and committed by the first run and reused by
    the next ones: job workers read only what is committed. Returns (the area
    a batch covers, the program, how the registry was found)."""
    cr = env.cr
    cr.execute(
        SQL(
            """
            SELECT a.id, (SELECT COUNT(*) FROM res_partner p
                           WHERE p.province_id = a.id AND p.is_beneficiary)
              FROM social_area a WHERE a.code = %s AND a.level = 'province'
            """,
            code,
        )
    )
    row = cr.fetchone()
    if row and row[1] == n:
        Area = env["social.area"]
        area = Area.browse(row[0])
        if districts == 1:
            area = Area.search([("parent_id", "=", area.id)], limit=1)
        return area, env.ref("social_beneficiary.program_btxh"), "reused"
    if row:
        raise SystemExit(
            f"The committed registry {code} holds {row[1]} people, not"
            f" BENCH_N={n}: use another BENCH_DB."
        )
    area, program = build_registry(
        env,
        n,
        districts=districts,
        communes_per_district=communes_per_district,
        code=code,
    )
    cr.commit()
    return area, program, "built and committed"


def delete_month(env, area, period):
    """Remove, committed, what a run made for the month of ``area``: its
    batches, their lines, reconciliations, messages and attachments, and the
    jobs of root.social. The registry stays for the next run."""
    cr = env.cr
    cr.execute(
        SQL(
            "SELECT id FROM social_payout_batch WHERE area_id = %s AND period = %s",
            area.id,
            period,
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


def vacuum(env, *tables):
    """VACUUM ``tables`` on a connection of its own (VACUUM runs outside a
    transaction), as autovacuum would after a run deleted its lines: a
    deleted line still in the unique indexes is checked again by the next
    run's insert of the same beneficiary and month."""
    _db, info = sql_db.connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            for table in tables:
                cr.execute(SQL("VACUUM %s", SQL.identifier(table)).code)
    finally:
        connection.close()


def set_job_channel(workers):
    """The generation plans its chunks for the channel's capacity, read from
    the server's configuration as the job runner reads it (config/odoo-test.conf
    starts no runner): here the channel is ``workers`` worker processes."""
    os.environ["ODOO_QUEUE_JOB_CHANNELS"] = f"root:{workers},root.social:{workers}"


class JobWorkers:
    """``count`` worker processes forked once, before the first stage, as
    Odoo's prefork server forks its workers once with the registry loaded:
    each keeps its own connections from one stage to the next, as a worker
    keeps its pooled connections from one request to the next."""

    def __init__(self, env, count):
        self.env = env
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
                os._exit(job_worker_loop(env.cr.dbname, command_read, answer_write))
            os.close(command_read)
            os.close(answer_write)
            self.workers.append((pid, command_write, answer_read))

    def run(self):
        """Perform the jobs of root.social as the job runner does with the
        workers on the channel: each worker takes a pending job (a job's
        children become pending once it is done), performs it in a
        transaction of its own (load, start, perform, done) as the runner's
        controller does, and commits it. Returns the count."""
        env = self.env
        env.flush_all()
        env.cr.commit()
        done_before = done_jobs(env.cr)
        # this snapshot was taken before the jobs: a new one sees them
        env.cr.commit()
        for _pid, command, _answer in self.workers:
            os.write(command, b"r")
        failed = [
            answer
            for _pid, _command, answer in self.workers
            if os.read(answer, 1) != b"0"
        ]
        env.cr.rollback()
        env.invalidate_all()
        if failed:
            raise RuntimeError(f"{len(failed)} job worker(s) failed: see above")
        return done_jobs(env.cr) - done_before

    def close(self):
        for pid, command, answer in self.workers:
            os.write(command, b"q")
            os.waitpid(pid, 0)
            os.close(command)
            os.close(answer)
        self.workers = []


def done_jobs(cr):
    cr.execute(
        "SELECT count(*) FROM queue_job WHERE channel LIKE 'root.social%%'"
        " AND state = 'done'"
    )
    return cr.fetchone()[0]


def job_worker_loop(dbname, commands, answers):
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
    registry = Registry(dbname)
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

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Records of a province-sized list written in one statement, with the ORM's outcome.

``create`` costs about a millisecond a record once a model's overrides,
defaults, stored computed fields and constraints have run; a list of 100,000
beneficiaries makes several hundred thousand records. :class:`BulkInsert`
writes the same rows of several models at once, and keeps what ``create``
guarantees:

- the caller gives the values ``create`` would store, its overrides' included
  (the callers reuse the models' own helpers for them), and the ids, drawn
  from each table's sequence by :func:`draw_ids`, so that rows of one model
  can point to rows of another before either exists;
- defaults are read once per model, as ``create`` reads them for each record;
- each row is written once, complete: the stored computed fields the caller
  gives are written with it. Every other stored computed field is left to the
  ORM (``modified`` marks it as ``create`` does, the next flush computes it),
  so a field another module adds is never left empty; its cache is primed with
  the empty value written, so a result that stays empty writes nothing again
  (an UPDATE of a row inserted in the same transaction has PostgreSQL check
  every foreign key of the row again);
- the rows of all the models go in by one statement: the foreign keys are
  checked at its end, so a beneficiary can name their payment registration and
  the registration its beneficiary (each table is first copied into a
  temporary table by COPY);
- the Python constraints of the written fields run (``_validate_fields``), the
  database's own (NOT NULL, CHECK, unique indexes, foreign keys) run on the
  insert, and the record rules for creation are checked on the new records.

``social_beneficiary/tests/test_beneficiary_import_bulk.py`` compares every
stored column and every chatter note of records written this way with the
same records made by ``create``.
"""

import json

from psycopg2.extras import Json

from odoo.tools import SQL, float_round

from .copy import copy_buffer, copy_text
from .cursor_worker import CursorWorker

LOG_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")
# stored as given: an id, a text, a key of a selection, a date (False: NULL)
PLAIN_TYPES = frozenset({"char", "text", "selection", "many2one", "date"})


def draw_ids(model, count):
    """``count`` ids of ``model``'s table, in order, from its own sequence."""
    if not count:
        return []
    model.env.cr.execute(
        SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            f"{model._table}_id_seq",
            count,
        )
    )
    return [row[0] for row in model.env.cr.fetchall()]


def _column_value(field, value):
    if field.type == "boolean":
        # COPY reads False (Odoo's empty value) as NULL; the ORM writes false
        return "t" if value else "f"
    # a company-dependent field's value is JSON: COPY reads it as text
    return json.dumps(value.adapted) if isinstance(value, Json) else value


class _Part:
    """The rows of one model: their columns, values and many2many pairs."""

    def __init__(self, model, ids, vals_list, defaults):
        self.model = model
        self.ids = list(ids)
        self.vals_list = vals_list
        self.defaults = defaults
        self.given = {name for vals in vals_list for name in vals}
        self.columns = []
        self.relations = []
        # computed fields kept outside the table (attachments), given empty
        self.empty = []
        for name in sorted(self.given | set(self.defaults)):
            field = model._fields[name]
            if field.type == "many2many" and field.store:
                self.relations.append(field)
            elif field.store and not field.column_type and name in self.given:
                if field.compute and not any(vals.get(name) for vals in vals_list):
                    self.empty.append(field)
                else:
                    raise ValueError(f"{model._name}.{name} is not a column")
            elif field.type == "many2many" or not field.store:
                continue  # a default of a field without a column
            elif not field.column_type or field.translate or field.inherited:
                raise ValueError(f"{model._name}.{name} is not a column of its table")
            else:
                self.columns.append(field)
        # a column no dict gives holds its default on every row: written by the
        # INSERT as one constant, not copied 100,000 times; a text, id or date
        # no dict fills stays NULL as create leaves it
        self.constants = {
            field: _column_value(
                field,
                field.convert_to_column_insert(
                    self.defaults[field.name], model, self.defaults
                ),
            )
            for field in self.columns
            if field.name not in self.given
        }
        self.copied = [
            field
            for field in self.columns
            if field.name in self.given
            and not (
                field.type in PLAIN_TYPES
                and self.defaults.get(field.name) in (None, False)
                and all(vals.get(field.name) in (None, False) for vals in vals_list)
            )
        ]

    def rows(self):
        model, defaults = self.model, self.defaults
        # values of these types are stored as given (ids, texts, dates): no
        # conversion call per cell, 100,000 rows times a few dozen columns
        converters = [
            (
                field.name,
                None
                if field.type in PLAIN_TYPES
                else (
                    lambda value, vals, field=field: _column_value(
                        field, field.convert_to_column_insert(value, model, vals)
                    )
                ),
                _column_value(
                    field,
                    field.convert_to_column_insert(
                        defaults[field.name], model, defaults
                    ),
                )
                if field.name in defaults
                else None,
            )
            for field in self.copied
        ]
        for id_, vals in zip(self.ids, self.vals_list, strict=True):
            row = [id_]
            for name, convert, default in converters:
                if name not in vals:
                    # absent from this dict: its default, or NULL as create has it
                    row.append(default)
                elif convert is None:
                    row.append(vals[name])
                else:
                    row.append(convert(vals[name], vals))
            yield row

    def pairs(self, field):
        default = field.convert_to_cache(self.defaults.get(field.name), self.model)
        for id_, vals in zip(self.ids, self.vals_list, strict=True):
            for other in vals[field.name] if field.name in vals else default:
                yield (id_, other)

    def prime_cache(self, records):
        """The value written (its default, or empty), in the cache, for each
        stored computed field left to the ORM: a result equal to it then writes
        nothing again."""
        cache = records.env.cache
        for field in self.model._fields.values():
            if (
                field.store
                and field.column_type
                and field.compute
                and field.name not in self.given
            ):
                written = field.convert_to_cache(self.defaults.get(field.name), records)
                cache.update(records, field, [written] * len(records))

    def invalidate_inverses(self, records):
        """The one2many of existing records that these rows join."""
        env = records.env
        for field in self.columns:
            for inverse in self.model.pool.field_inverses[field]:
                env[inverse.model_name].invalidate_model([inverse.name], flush=False)

    def prepare_cache(self):
        """What :meth:`fill_cache` writes for each column, worked out before
        the insert starts: anything that may send a query (the precision of a
        float, a default converted) runs here, none in :meth:`fill_cache`."""
        model = self.model
        copied = {field.name for field in self.copied}
        plan = []
        for field in model._fields.values():
            if field.type in ("one2many", "many2many"):
                if (
                    field.store
                    and not field.compute
                    and field.name not in self.given
                    and field.name not in self.defaults
                ):
                    plan.append((field, "empty", None))
                continue
            if (
                not (field.store and field.column_type)
                or field.name == "id"
                or field.company_dependent
                or field.translate
                or (field.compute and field.name not in self.given)
            ):
                continue  # computed ones left to the ORM: prime_cache
            if field.name in LOG_COLUMNS:
                plan.append((field, "log", LOG_COLUMNS.index(field.name)))
            elif field.name in copied:
                plan.append((field, "rows", self._cache_converter(field)))
            else:
                value = field.convert_to_cache(
                    self.defaults.get(field.name), model, validate=False
                )
                plan.append((field, "constant", value))
        self.cache_plan = plan

    def _cache_converter(self, field):
        """The cache's value of a value given (None for texts, ids and keys
        stored as given: False is NULL)."""
        if field.type in ("char", "text", "selection", "many2one"):
            return None
        if field.type == "float":
            digits = field.get_digits(self.model.env)
            if digits:
                precision = digits[1]
                return lambda value: float_round(
                    float(value or 0.0), precision_digits=precision
                )
            return lambda value: float(value or 0.0)
        convert = field.convert_to_cache
        model = self.model
        convert(self.defaults.get(field.name), model, validate=False)
        return lambda value: convert(value, model, validate=False)

    def fill_cache(self, records, log, joined):
        """Every column written, in the cache, as ``create`` leaves its records:
        the values given, the defaults, NULL (Odoo's empty value) for the
        columns nothing fills, no record yet in the one2many and many2many of
        the new records but those that rows of this insert join (``joined``,
        read when needed). What runs next (the dependents marked, the
        constraints, the notes) then reads the new rows from the cache, not
        100,000 rows back from the table they were just written to. Sends no
        query: it runs while the rows are inserted."""
        cache = records.env.cache
        count = len(records)
        for field, kind, payload in self.cache_plan:
            if kind == "empty":
                if field not in joined:
                    cache.update(records, field, [()] * count)
                continue
            if kind == "log":
                values = [log[payload]] * count
            elif kind == "constant":
                values = [payload] * count
            else:
                name = field.name
                default = self.defaults.get(name, False)
                values = [vals.get(name, default) for vals in self.vals_list]
                if payload is None:
                    # as COPY wrote them, and False as None (NULL)
                    values = [None if value is False else value for value in values]
                else:
                    values = [payload(value) for value in values]
            cache.update(records, field, values)

    def mark(self, records):
        """Mark what depends on these records, as create does."""
        records.modified(list(self.model._fields), create=True)

    def given_computed(self):
        return [
            field
            for field in self.columns + self.relations + self.empty
            if field.compute and field.name in self.given
        ]

    def checked_fields(self):
        """The fields whose constraints run on these rows."""
        return {field.name for field in self.columns + self.relations}


class BulkInsert:
    """Rows of several models, written by one statement per :meth:`send`
    (the rows added since the one before) and a last one by :meth:`run`.

    PostgreSQL writes in a second thread (``CursorWorker``) while this one
    prepares what comes next: the COPY text of the next table while the
    previous one is copied, the next rows (the caller's, between two sends)
    while the rows sent are inserted, and the cache of the new records while
    the last ones are; the statements given to :meth:`run` (chatter notes)
    run while the new records are checked. Between a send and the end of
    :meth:`run` the caller sends no query (no ORM read of a field not in
    cache, no search, no flush); used as a context manager, an error of the
    caller waits for the statement under way before leaving.

    Each send fills the temporary tables of the send before, emptied: making
    and dropping a table costs as much as copying thousands of rows into it,
    and the values every row of a model shares are constants of the INSERT."""

    def __init__(self, env):
        self.env = env
        self.parts = []
        self.sent = []
        # temporary tables: {name: (table, columns)}
        self.stages = {}
        self.log = None
        self.defaults = {}
        self.worker = CursorWorker()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is not None:
            self.worker.stop()
        return False

    def add(self, model, ids, vals_list):
        """Insert the records ``ids`` of ``model`` with ``vals_list`` (one dict
        of stored field values per id; a many2many value is a list of ids)."""
        if model._name not in self.defaults:
            # read once per model, before anything is sent
            self.defaults[model._name] = model._add_missing_default_values({})
        self.parts.append(_Part(model, ids, vals_list, self.defaults[model._name]))

    def send(self):
        """Write the rows added since the last send, by one statement run by
        the worker: the rows they point to are added in this send or before."""
        try:
            self._send()
        except BaseException:
            self.worker.stop()
            raise

    def run(self, before_checks=None, beside=()):
        """Write every row added; return the records, one recordset per add
        (empty for an add without rows).

        ``before_checks``, if given, is called once the rows are written and
        what depends on them is marked, before the constraints run: the
        caller puts there, for the whole list at once, values of fields
        without a column that the constraints read (marking drops any value
        cached before). ``beside``: statements (``SQL``) the worker runs once
        the rows are in, through a cursor of its own (the chatter notes of the
        new records), while this thread marks and checks the new records: a
        query of the checks waits at most for one statement."""
        env = self.env
        try:
            self._send()
            statements = [self._drop_stages()] if self.stages else []
            statements += beside
            if statements:
                self.worker.beside(env.cr, statements)
            parts, self.sent = self.sent, []
            results = [part.model.browse(part.ids) for part in parts]
            # while PostgreSQL inserts (no query from here until wait)
            joined = {
                inverse
                for part in parts
                if part.ids
                for field in part.columns
                for inverse in part.model.pool.field_inverses[field]
            }
            for part, records in zip(parts, results, strict=True):
                if records:
                    part.fill_cache(records, self.log, joined)
            self.worker.wait()
            self._check(parts, results, before_checks)
            self.worker.finish()
        except BaseException:
            self.worker.stop()
            raise
        return results

    def _check(self, parts, results, before_checks):
        """Mark what depends on the new records, as create does, and run
        their constraints."""
        env = self.env
        written = [
            (part, records)
            for part, records in zip(parts, results, strict=True)
            if records
        ]
        for part, records in written:
            part.prime_cache(records)
        for part, records in written:
            part.mark(records)
        # the values given are final: after every mark, since a later model
        # marks fields of an earlier one (a registration, its beneficiary's)
        for part, records in written:
            for field in part.given_computed():
                env.remove_to_compute(field, records)
        if before_checks:
            before_checks()
        # the constraints once per model, on the rows of every send
        checked = {}
        for part, records in written:
            model_records, names = checked.get(part.model._name, (records[:0], set()))
            checked[part.model._name] = (
                model_records | records,
                names | part.checked_fields(),
            )
        for records, names in checked.values():
            records._validate_fields(names)
            records.check_access("create")

    def _send(self):
        """COPY each model added into its temporary table and insert them all,
        in the worker."""
        env = self.env
        cr = env.cr
        if self.log is None:
            now = cr.now()
            self.log = (env.uid, now, env.uid, now)
            env.flush_all()
        parts, self.parts = self.parts, []
        self.sent.extend(parts)
        inserts = []
        staged = []
        for part in parts:
            if not part.ids:
                continue
            part.invalidate_inverses(part.model.browse(part.ids))
            part.prepare_cache()
            model = part.model
            columns = ["id", *(field.name for field in part.copied)]
            stage, new = self._stage_table(staged, model._table, columns)
            # the text of this table while the worker copies the one before
            buffer = copy_buffer(part.rows())
            self.worker.submit(_stage, cr, stage, new, model._table, columns, buffer)
            # the values every row shares, written by the INSERT as constants
            shared = [
                (name, value, model._fields[name].column_type[1])
                for name, value in zip(LOG_COLUMNS, self.log, strict=True)
            ]
            shared += [
                (field.name, value, field.column_type[1])
                for field, value in part.constants.items()
            ]
            inserts.append((model._table, columns, stage, shared))
            for field in part.relations:
                pair = [field.column1, field.column2]
                stage, new = self._stage_table(staged, field.relation, pair)
                buffer = copy_buffer(part.pairs(field))
                self.worker.submit(_stage, cr, stage, new, field.relation, pair, buffer)
                inserts.append((field.relation, pair, stage, []))
        if inserts:
            self.worker.submit(_insert, cr, inserts, staged)

    def _stage_table(self, staged, table, columns):
        """The temporary table of rows of ``table`` with ``columns`` in this
        send, and whether it is to be made: each send empties and refills the
        tables of the one before (making and dropping a table costs more than
        copying 10,000 rows into it)."""
        key = (table, tuple(columns))
        # a second set of rows of the same shape in one send gets a table
        # of its own
        number = sum(1 for name in staged if self.stages[name] == key)
        names = [name for name, shape in self.stages.items() if shape == key]
        if number < len(names):
            name, new = names[number], False
        else:
            name, new = f"social_bulk_{len(self.stages)}", True
            self.stages[name] = key
        staged.append(name)
        return name, new

    def _drop_stages(self):
        """The statement that drops the temporary tables, once all is sent."""
        return SQL(
            "DROP TABLE %s",
            SQL(", ").join(SQL.identifier(name) for name in self.stages),
        )


def _stage(cr, stage, new, table, columns, buffer):
    """COPY ``buffer`` into the temporary table ``stage`` shaped as ``table``
    (made when ``new``, emptied by the insert before otherwise)."""
    if new:
        cr.execute(
            SQL(
                "CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s FROM %s WITH NO DATA",
                SQL.identifier(stage),
                SQL(", ").join(map(SQL.identifier, columns)),
                SQL.identifier(table),
            )
        )
    copy_text(cr, stage, columns, buffer)


def _insert(cr, inserts, staged):
    """Insert the staged rows of every model by one statement (the foreign
    keys between these rows are checked at its end), and empty the
    temporary tables for the next send."""
    statements = [
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s AS s",
            SQL.identifier(table),
            SQL(", ").join(
                map(SQL.identifier, [*columns, *(name for name, __, __ in shared)])
            ),
            SQL(", ").join(
                [
                    *(SQL.identifier("s", name) for name in columns),
                    *(
                        SQL("CAST(%s AS %s)", value, SQL(sql_type))
                        for __, value, sql_type in shared
                    ),
                ]
            ),
            SQL.identifier(stage),
        )
        for table, columns, stage, shared in inserts
    ]
    *firsts, last = statements
    if firsts:
        cr.execute(
            SQL(
                "WITH %s %s",
                SQL(", ").join(
                    SQL("%s AS (%s)", SQL.identifier(f"social_bulk_w{n}"), sql)
                    for n, sql in enumerate(firsts)
                ),
                last,
            )
        )
    else:
        cr.execute(last)
    cr.execute(
        SQL("TRUNCATE %s", SQL(", ").join(SQL.identifier(name) for name in staged))
    )

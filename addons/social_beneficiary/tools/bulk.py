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

from odoo.tools import SQL

from .copy import copy_rows

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


def _stage(cr, stage, table, columns, rows):
    """COPY ``rows`` into a new temporary table ``stage`` shaped as ``table``."""
    cr.execute(
        SQL(
            "CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s FROM %s WITH NO DATA",
            SQL.identifier(stage),
            SQL(", ").join(map(SQL.identifier, columns)),
            SQL.identifier(table),
        )
    )
    copy_rows(cr, stage, columns, rows)


class _Part:
    """The rows of one model: their columns, values and many2many pairs."""

    def __init__(self, model, ids, vals_list):
        self.model = model
        self.ids = list(ids)
        self.vals_list = vals_list
        self.defaults = model._add_missing_default_values({})
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
                env[inverse.model_name].invalidate_model([inverse.name])

    def fill_cache(self, records, log, joined):
        """Every column written, in the cache, as ``create`` leaves its records:
        the values given, the defaults, NULL (Odoo's empty value) for the
        columns nothing fills, no record yet in the one2many and many2many of
        the new records but those that rows of this insert join (``joined``,
        read when needed). What runs next (the dependents marked, the
        constraints, the notes) then reads the new rows from the cache, not
        100,000 rows back from the table they were just written to."""
        cache = records.env.cache
        count = len(records)
        copied = {field.name for field in self.copied}
        log_values = dict(zip(LOG_COLUMNS, log, strict=True))
        for field in self.model._fields.values():
            if field.type in ("one2many", "many2many"):
                if (
                    field.store
                    and not field.compute
                    and field not in joined
                    and field.name not in self.given
                    and field.name not in self.defaults
                ):
                    cache.update(records, field, [()] * count)
                continue
            if (
                not (field.store and field.column_type)
                or field.name == "id"
                or field.company_dependent
                or field.translate
                or (field.compute and field.name not in self.given)
            ):
                continue  # computed ones left to the ORM: prime_cache
            if field.name in log_values:
                values = [log_values[field.name]] * count
            elif field.name in copied:
                values = self._cache_values(field)
            else:
                value = field.convert_to_cache(
                    self.defaults.get(field.name), records, validate=False
                )
                values = [value] * count
            cache.update(records, field, values)

    def _cache_values(self, field):
        """The cache's value of ``field`` for each row, from the values given."""
        name = field.name
        default = self.defaults.get(name, False)
        values = [vals.get(name, default) for vals in self.vals_list]
        if field.type in ("char", "text", "selection", "many2one"):
            # as COPY wrote them, and False as None (NULL)
            return [None if value is False else value for value in values]
        convert = field.convert_to_cache
        model = self.model
        return [convert(value, model, validate=False) for value in values]

    def mark(self, records):
        """Mark what depends on these records, as create does."""
        records.modified(list(self.model._fields), create=True)

    def given_computed(self):
        return [
            field
            for field in self.columns + self.relations + self.empty
            if field.compute and field.name in self.given
        ]

    def check(self, records):
        records._validate_fields(field.name for field in self.columns + self.relations)
        records.check_access("create")


class BulkInsert:
    """Rows of several models, written by :meth:`run` in one statement."""

    def __init__(self, env):
        self.env = env
        self.parts = []

    def add(self, model, ids, vals_list):
        """Insert the records ``ids`` of ``model`` with ``vals_list`` (one dict
        of stored field values per id; a many2many value is a list of ids)."""
        self.parts.append(_Part(model, ids, vals_list))

    def run(self):
        """Write every row added; return the records, one recordset per add
        (empty for an add without rows)."""
        env = self.env
        cr = env.cr
        now = cr.now()
        log = (env.uid, now, env.uid, now)
        parts, self.parts = self.parts, []
        env.flush_all()
        inserts = []
        staged = []
        for index, part in enumerate(parts):
            if not part.ids:
                continue
            columns = ["id", *(field.name for field in part.copied)]
            stage = f"social_bulk_{index}"
            _stage(cr, stage, part.model._table, columns, part.rows())
            staged.append(stage)
            constants = [
                *zip(LOG_COLUMNS, log, strict=True),
                *((field.name, value) for field, value in part.constants.items()),
            ]
            # the values every row shares, in a table of one row beside
            _stage(cr, f"{stage}_c", part.model._table, [n for n, __ in constants], [])
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s) VALUES (%s)",
                    SQL.identifier(f"{stage}_c"),
                    SQL(", ").join(SQL.identifier(name) for name, __ in constants),
                    SQL(", ").join(SQL("%s", value) for __, value in constants),
                )
            )
            staged.append(f"{stage}_c")
            inserts.append(
                (part.model._table, columns, stage, [n for n, __ in constants])
            )
            for number, field in enumerate(part.relations):
                stage = f"social_bulk_{index}_{number}"
                pair = [field.column1, field.column2]
                _stage(cr, stage, field.relation, pair, part.pairs(field))
                staged.append(stage)
                inserts.append((field.relation, pair, stage, []))
        statements = [
            SQL(
                "INSERT INTO %s (%s) SELECT %s FROM %s",
                SQL.identifier(table),
                SQL(", ").join(map(SQL.identifier, [*columns, *shared])),
                SQL(", ").join(
                    [
                        *(SQL.identifier("s", name) for name in columns),
                        *(SQL.identifier("c", name) for name in shared),
                    ]
                ),
                SQL(
                    "%s AS s CROSS JOIN %s AS c",
                    SQL.identifier(stage),
                    SQL.identifier(f"{stage}_c"),
                )
                if shared
                else SQL("%s AS s", SQL.identifier(stage)),
            )
            for table, columns, stage, shared in inserts
        ]
        if not statements:
            return [part.model.browse() for part in parts]
        # one statement: the foreign keys between these rows are checked at its end
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
        for stage in staged:
            cr.execute(SQL("DROP TABLE %s", SQL.identifier(stage)))
        results = [part.model.browse(part.ids) for part in parts]
        written = [
            (part, records)
            for part, records in zip(parts, results, strict=True)
            if records
        ]
        # the one2many of new records that rows of this insert join
        joined = {
            inverse
            for part, __ in written
            for field in part.columns
            for inverse in part.model.pool.field_inverses[field]
        }
        for part, records in written:
            part.invalidate_inverses(records)
        for part, records in written:
            part.fill_cache(records, log, joined)
            part.prime_cache(records)
        for part, records in written:
            part.mark(records)
        # the values given are final: after every mark, since a later model
        # marks fields of an earlier one (a registration, its beneficiary's)
        for part, records in written:
            for field in part.given_computed():
                env.remove_to_compute(field, records)
        for part, records in written:
            part.check(records)
        return results

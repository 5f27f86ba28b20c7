# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks that run once per combination of values, not once per record."""


def distinct_records(records, fnames):
    """One record of ``records`` (the first) for each combination of the
    values of the stored fields ``fnames`` among them.

    A check whose outcome depends on these fields only (a decision's category
    and rate, its program and coefficient...) then runs once per combination
    instead of once per record: a handful of times for a province's list of
    100,000 decisions, with the same rule and message as for one record.

    The values are those the records hold now, written or not (a constraint
    runs before ``write`` flushes: its message comes before the database's
    CHECK): read from the cache column by column, the missing ones fetched
    by one query, pending computations done first."""
    if len(records) < 2:
        return records
    fields = [records._fields[fname] for fname in fnames]
    for field in fields:
        if field.compute and field.store:
            field.recompute(records)
    records.fetch(fnames)
    cache = records.env.cache
    columns = [cache.get_until_miss(records, field) for field in fields]
    if any(len(column) != len(records) for column in columns):
        return records  # a value the cache cannot give: check each record
    firsts = {}
    for id_, *key in zip(records._ids, *columns, strict=True):
        firsts.setdefault(tuple(key), id_)
    return records.browse(list(firsts.values()))

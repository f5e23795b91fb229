"""Apply a function to every record's value. The bug: a record without a "value" passes the
default (None) on to the caller's function instead of being skipped."""


def apply_all(records, fn, default=None):
    out = []
    for record in records:
        value = record.get("value", default)
        out.append(fn(value))
    return out

from records.core import apply_all


def inc(x):
    return x + 1


def test_apply_all_increments_the_values():
    assert apply_all([{"value": 1}, {"value": 5}], inc) == [2, 6]


def test_records_without_a_value_are_skipped():
    assert apply_all([{"value": 1}, {"other": 2}], inc) == [2]

from search import contains, find


def test_middle():
    assert find([1, 2, 3], 2) == 1


def test_left():
    assert find([1, 2, 3, 4, 5], 1) == 0


def test_missing_small():
    assert find([5, 6, 7], 1) == -1


def test_right():
    assert find([1, 2, 3], 3) == 2


def test_missing_big():
    assert not contains([1, 2, 3], 9)


def test_empty():
    assert find([], 1) == -1

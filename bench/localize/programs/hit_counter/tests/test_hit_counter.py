from counter import HitCounter, serve


def test_single_thread_counts():
    counter = HitCounter()
    for page in ["home", "about", "home"]:
        counter.record(page)
    assert counter.counts == {"home": 2, "about": 1}


def test_total():
    counter = HitCounter()
    serve(counter, ["a", "b", "c", "a"], workers=1)
    assert counter.total() == 4


def test_top_pages():
    counter = HitCounter()
    serve(counter, ["faq", "home", "home", "blog", "faq", "home"], workers=1)
    assert counter.top(2) == [("home", 3), ("faq", 2)]


def test_workers_on_different_pages():
    counter = HitCounter()
    serve(counter, ["home", "about"] * 3, workers=2)
    assert counter.counts == {"home": 3, "about": 3}


def test_three_visitors_at_once():
    counter = HitCounter()
    serve(counter, ["home"] * 3, workers=3)
    assert counter.counts["home"] == 3

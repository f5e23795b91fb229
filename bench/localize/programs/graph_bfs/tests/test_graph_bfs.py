from graph import from_edges, reachable, shortest_path, undirected

EDGES = [("a", "b"), ("b", "c"), ("a", "d"), ("d", "c"), ("c", "e")]


def test_nodes_present():
    assert set(from_edges(EDGES)) == {"a", "b", "c", "d", "e"}


def test_reachable_from_root():
    assert reachable(from_edges(EDGES), "a") == {"a", "b", "c", "d", "e"}


def test_reachable_from_leaf():
    assert reachable(from_edges(EDGES), "e") == {"e"}


def test_shortest_path_directed():
    assert shortest_path(from_edges(EDGES), "a", "e") in (["a", "b", "c", "e"], ["a", "d", "c", "e"])


def test_no_path_against_direction():
    assert shortest_path(from_edges(EDGES), "e", "a") is None


def test_undirected_path_both_ways():
    graph = undirected([("x", "y"), ("y", "z")])
    assert shortest_path(graph, "z", "x") == ["z", "y", "x"]
    assert shortest_path(graph, "x", "z") == ["x", "y", "z"]


def test_undirected_reachable():
    assert reachable(undirected([("p", "q"), ("r", "s")]), "q") == {"p", "q"}


def test_path_to_self():
    assert shortest_path(from_edges(EDGES), "c", "c") == ["c"]

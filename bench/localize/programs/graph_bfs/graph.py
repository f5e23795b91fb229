"""A directed graph as adjacency lists, with breadth-first reachability and shortest paths."""

from collections import deque


def link(graph: dict[str, list[str]], source: str, target: str) -> None:
    graph.setdefault(source, []).append(target)
    graph.setdefault(target, [])


def from_edges(edges: list[tuple[str, str]]) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        link(graph, b, a)
    return graph


def reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def shortest_path(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            step: str | None = node
            while step is not None:
                path.append(step)
                step = parents[step]
            return path[::-1]
        for nxt in graph.get(node, []):
            if nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return None


def undirected(edges: list[tuple[str, str]]) -> dict[str, list[str]]:
    return from_edges(edges + [(b, a) for a, b in edges])

"""A binary min-heap priority queue; equal priorities come out in insertion order."""

import itertools
from typing import Any


class PriorityQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Any]] = []
        self._counter = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, priority: int, item: Any) -> None:
        self._heap.append((priority, next(self._counter), item))
        self._sift_up(len(self._heap) - 1)

    def peek(self) -> Any:
        if not self._heap:
            raise IndexError("peek from an empty queue")
        return self._heap[0][2]

    def pop(self) -> Any:
        if not self._heap:
            raise IndexError("pop from an empty queue")
        last = self._heap.pop()
        if not self._heap:
            return last[2]
        top = self._heap[0]
        self._heap[0] = last
        self._sift_down(0)
        return top[2]

    def _sift_up(self, i: int) -> None:
        heap = self._heap
        while i > 0:
            parent = (i - 1) // 2
            if heap[i] >= heap[parent]:
                break
            heap[i], heap[parent] = heap[parent], heap[i]
            i = parent

    def _sift_down(self, i: int) -> None:
        heap = self._heap
        n = len(heap)
        while True:
            left, right = 2 * i + 1, 2 * i + 2
            smallest = i
            if left < n and heap[left] < heap[smallest]:
                smallest = left
            if right < n and heap[right] < heap[i]:
                smallest = right
            if smallest == i:
                return
            heap[i], heap[smallest] = heap[smallest], heap[i]
            i = smallest


def drain(queue: PriorityQueue) -> list[Any]:
    return [queue.pop() for _ in range(len(queue))]

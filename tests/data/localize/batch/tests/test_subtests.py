import unittest

import batch


class ChunkTests(unittest.TestCase):
    def test_sizes(self):
        for size, expected in [(10, 1), (3, 2), (1, 5), (2, 3)]:
            with self.subTest(size=size):
                self.assertEqual(len(batch.chunks([1, 2, 3, 4, 5], size)), expected)

    def test_contents(self):
        for size in (1, 2, 4):
            with self.subTest(size=size):
                flat = [x for chunk in batch.chunks(list(range(8)), size) for x in chunk]
                self.assertEqual(flat, list(range(8)))

    def test_bad_size(self):
        for size in (0, -1):
            with self.subTest(size=size), self.assertRaises(ValueError):
                batch.chunks([1], size)


class TotalTests(unittest.TestCase):
    def test_totals(self):
        for numbers in ([], [1], [1, 2, 3], [-1, 1]):
            with self.subTest(numbers=numbers):
                self.assertEqual(batch.total(numbers), sum(numbers))

    def test_threads_in_subtests(self):
        for workers in (1, 3):
            with self.subTest(workers=workers):
                self.assertEqual(batch.run_parallel(batch.total, [[1], [2, 3]], workers), [1, 5])

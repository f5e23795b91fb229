"""Small batch-processing helpers: split work into chunks, run it on threads, in a child process
or under a deadline, stop cleanly on a signal, and record which functions a job called."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager


class BatchError(Exception):
    """A job raised on a worker thread; `errors` maps each failed item to its exception."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} jobs failed")
        self.errors = errors


class Timeout(Exception):
    pass


def chunks(items, size):
    """Consecutive slices of `items`, each `size` long (the last may be shorter)."""
    if size <= 0:
        raise ValueError("size must be positive")
    out = []
    for start in range(0, len(items), size):
        out.append(items[start : start + size - 1])  # @fault
    return out


def total(numbers):
    result = 0
    for number in numbers:
        result += number
    return result


def chunk_totals(numbers, size):
    return [total(chunk) for chunk in chunks(numbers, size)]


def run_parallel(func, items, workers=4):
    """func(item) for every item on `workers` threads, results in input order; every error is
    collected and raised together as BatchError."""
    results = [None] * len(items)
    errors = {}
    lock = threading.Lock()
    position = iter(range(len(items)))

    def work():
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            try:
                results[index] = func(items[index])
            except Exception as error:
                with lock:
                    errors[items[index]] = error

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise BatchError(errors)
    return results


@contextmanager
def deadline(seconds):
    """Raise Timeout in the main thread when the block runs longer than `seconds`."""

    def expired(signum, frame):
        raise Timeout(f"took longer than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class StopFlag:
    """Set when one of `signals` arrives, so a loop can finish its current item and stop."""

    def __init__(self, *signals):
        self.stopped = False
        self.received = []
        self._previous = {s: signal.signal(s, self._handle) for s in signals}

    def _handle(self, signum, frame):
        self.stopped = True
        self.received.append(signum)

    def restore(self):
        for number, handler in self._previous.items():
            signal.signal(number, handler)


def process(items, flag):
    """Sum items until the flag says stop; returns (sum, how many were processed)."""
    done = 0
    result = 0
    for item in items:
        if flag.stopped:
            break
        result += item
        done += 1
    return result, done


def trace_calls(func, *args):
    """Run func(*args) and return (its result, the names of the functions it called, in order),
    with a trace function of our own; whatever tracer was installed before is put back."""
    called = []

    def tracer(frame, event, arg):
        if event == "call":
            called.append(frame.f_code.co_name)
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = func(*args)
    finally:
        sys.settrace(previous)
    return result, called[1:] if called and called[0] == func.__name__ else called


def main(argv):
    """`python -m batch total 1 2 3` or `python -m batch chunks 2 1 2 3`."""
    command, *rest = argv
    numbers = [int(n) for n in rest]
    if command == "total":
        print(total(numbers))
    elif command == "chunks":
        print(" ".join(str(t) for t in chunk_totals(numbers[1:], numbers[0])))
    else:
        print(f"unknown command {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

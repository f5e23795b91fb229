import os
import signal
import time

import pytest

import batch


def test_deadline_interrupts_a_slow_call():
    with pytest.raises(batch.Timeout):
        with batch.deadline(0.05):
            time.sleep(30)


def test_deadline_leaves_a_quick_call_alone():
    with batch.deadline(5):
        assert batch.total([1, 2, 3]) == 6


def test_chunks_within_deadline():
    with batch.deadline(5):
        assert batch.chunk_totals([1, 1, 1, 1], 2) == [2, 2]


def test_alarm_handler_runs():
    got = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: got.append(signum))
    try:
        signal.alarm(1)
        deadline = time.monotonic() + 30
        while not got and time.monotonic() < deadline:
            signal.pause()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert got == [signal.SIGALRM]


def test_stop_flag_on_sigusr1():
    flag = batch.StopFlag(signal.SIGUSR1)
    try:
        os.kill(os.getpid(), signal.SIGUSR1)
        assert batch.process([1, 2, 3], flag) == (0, 0)
    finally:
        flag.restore()
    assert flag.received == [signal.SIGUSR1]


def test_stop_flag_after_chunks():
    flag = batch.StopFlag(signal.SIGUSR2)
    try:
        first = batch.chunks([5, 6, 7, 8], 2)[0]
        os.kill(os.getpid(), signal.SIGUSR2)
        assert batch.process(first, flag) == (0, 0)
        assert first == [5, 6]
    finally:
        flag.restore()


def test_keyboard_interrupt_from_sigint():
    # Python's own handler, even where SIGINT was ignored when the process started (a background job)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(30)
    finally:
        signal.signal(signal.SIGINT, previous)

"""Ticket sales from several worker threads. Bug: `sell` reads, then writes the shared counter
without a lock, so concurrent sales overwrite each other and tickets go missing (intermittently)."""

import threading
import time


class Counter:
    def __init__(self) -> None:
        self.sold = 0

    def sell(self) -> None:
        current = self.sold
        time.sleep(0.0005)  # the payment call between the read and the write
        self.sold = current + 1


def run_sales(workers: int = 8, per_worker: int = 20) -> int:
    counter = Counter()

    def work() -> None:
        for _ in range(per_worker):
            counter.sell()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counter.sold


if __name__ == "__main__":
    sold = run_sales()
    assert sold == 160, f"sold {sold} tickets, expected 160"
    print("ok")

"""Load: a program's output flood through the proxy with a real debugpy.

A program launched through `python -m dap_proxy` (debugpy behind it, console internalConsole)
prints N numbered lines (default 100,000) as fast as it can. The editor side (this script)
collects the `output` events and checks that every line arrived once and in order; the
proxy's resident memory is sampled from /proc while it runs. Targets: no line lost or out of
order, proxy RSS growth <= 100 MiB. Also prints lines per second end to end.

Exit status 1 when a target is missed.

    .venv/bin/python bench/load.py [--lines 100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from dap_proxy.wire.client import DapClient

RSS_TARGET_MIB = 100.0
RSS_SAMPLE_EVERY = 0.02  # seconds
FLOOD_TIMEOUT = 600.0  # seconds: the whole flood, on a loaded 2-core machine

# Waits for a file before printing, so the proxy's memory is measured before the flood.
PROGRAM = """\
import os, sys, time
go, count = sys.argv[1], int(sys.argv[2])
while not os.path.exists(go):
    time.sleep(0.01)
for i in range(count):
    print(f"line {i:06d} " + "x" * 40)
"""


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


class RssSampler(threading.Thread):
    """The highest RSS of a process seen until `stop()`."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = rss_mib(pid)
        self.samples = 1
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(RSS_SAMPLE_EVERY):
            try:
                self.peak = max(self.peak, rss_mib(self.pid))
                self.samples += 1
            except (OSError, RuntimeError):
                return

    def stop(self) -> None:
        self._done.set()
        self.join()


def stdout_lines(client: DapClient) -> list[str]:
    """The program's stdout as lines (output events are not line-aligned)."""
    text = "".join(
        e["body"].get("output", "")
        for e in list(client.events)
        if e["event"] == "output" and e["body"].get("category") == "stdout"
    )
    return text.splitlines()


def flood(lines: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        program = Path(tmp) / "flood.py"
        program.write_text(PROGRAM)
        go = Path(tmp) / "go"
        client = DapClient.spawn([sys.executable, "-m", "dap_proxy"])
        assert client.process is not None
        try:
            client.request("initialize", {"adapterID": "bench", "clientID": "bench"}, check=True)
            launch = client.send_request(
                "launch",
                {
                    "program": str(program),
                    "args": [str(go), str(lines)],
                    "console": "internalConsole",
                    "cwd": tmp,
                },
            )
            client.wait_event("initialized")
            client.request("configurationDone", check=True)
            client.wait_response(launch, check=True)
            client.wait_event("smartDebug/ready")
            baseline = rss_mib(client.process.pid)
            sampler = RssSampler(client.process.pid)
            sampler.start()
            started = time.perf_counter()
            go.touch()
            exited = client.wait_event("exited", timeout=FLOOD_TIMEOUT)
            client.wait_event("terminated", timeout=FLOOD_TIMEOUT)
            seconds = time.perf_counter() - started
            sampler.stop()
            got = stdout_lines(client)
            client.request("disconnect", {})
        finally:
            client.close()
    expected = [f"line {i:06d} " + "x" * 40 for i in range(lines)]
    lost = len(set(expected) - set(got))
    in_order = got == expected
    return {
        "lines": lines,
        "received": len(got),
        "lost": lost,
        "in_order": in_order,
        "exit_code": exited["body"]["exitCode"],
        "seconds": round(seconds, 2),
        "lines_per_second": round(lines / seconds),
        "rss_baseline_mib": round(baseline, 1),
        "rss_peak_mib": round(sampler.peak, 1),
        "rss_growth_mib": round(sampler.peak - baseline, 1),
        "rss_samples": sampler.samples,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = flood(args.lines)
    missed = []
    if result["lost"] or not result["in_order"] or result["received"] != args.lines:
        missed.append(
            f"{result['lost']} lines lost, {result['received']} received, "
            f"in order: {result['in_order']}"
        )
    if result["rss_growth_mib"] > RSS_TARGET_MIB:
        missed.append(f"RSS grew {result['rss_growth_mib']} MiB > {RSS_TARGET_MIB:g} MiB")
    if args.json:
        print(json.dumps({**result, "missed": missed}, indent=2))
        return 1 if missed else 0
    print(f"{args.lines} lines of program output through the proxy (real debugpy)")
    print(f"  received {result['received']}, lost {result['lost']}, in order: {result['in_order']}")
    print(
        f"  proxy RSS {result['rss_baseline_mib']} MiB -> peak {result['rss_peak_mib']} MiB: "
        f"growth {result['rss_growth_mib']} MiB (target <= {RSS_TARGET_MIB:g}; "
        f"{result['rss_samples']} samples)"
    )
    print(f"  {result['seconds']} s, {result['lines_per_second']} lines/s end to end")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

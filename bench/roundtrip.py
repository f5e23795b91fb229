"""Round-trip latency: debugpy's adapter directly vs through `smart-debug dap` (issue 2 section 5).

One run, side by side:

1. The same program under (a) stock `python -m debugpy.adapter` and (b) `smart-debug dap`, stopped
   at a breakpoint: N round trips each of threads, stackTrace, scopes, variables, and `next` to the
   following `stopped` event. Medians and the ratio proxy/direct per request (target <= 0.05: the
   proxy sets TCP_NODELAY on debugpy's sockets, dap_proxy/proxy/nodelay.py). The middle column
   runs debugpy's adapter directly with the nodelay mechanism applied by hand, to separate the
   mechanism from the proxy. Done for a launch, then for attach listen (the program started by
   the user with `python -m debugpy --connect`; no target there, only the adapter side is ours).
2. The proxy's own forwarding cost: N `threads` round trips to a trivial echo adapter
   (bench/support/echo_adapter.py) directly vs through the proxy (via SMART_DEBUG_ADAPTER_CMD).
   Target: <= 0.15 ms added per round trip (median).

Exit status 1 when a target is missed.

    .venv/bin/python bench/roundtrip.py [-n 20] [--echo-n 2000]
"""

from __future__ import annotations

import argparse
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dap_proxy.proxy import nodelay
from dap_proxy.wire.client import DapClient, DapError

HERE = Path(__file__).resolve().parent
# Not directly in bench/: `make bench` runs every bench/*.py, and this one would wait on stdin.
ECHO_ADAPTER = HERE / "support" / "echo_adapter.py"
KINDS = ("threads", "stackTrace", "scopes", "variables", "next")
RATIO_TARGET = 0.05
ADDED_MS_TARGET = 0.15
USER_PROCESS_EXIT_TIMEOUT = 10.0  # seconds: the attached program ends after disconnect

PROGRAM = """\
total = 0
for i in range(10_000_000):
    total += i  # @bp
    total -= 1
print(total)
"""


def write_program(directory: Path) -> tuple[Path, int]:
    path = directory / "roundtrip_target.py"
    path.write_text(PROGRAM)
    line = next(n for n, text in enumerate(PROGRAM.splitlines(), 1) if "# @bp" in text)
    return path, line


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


def timed(samples: list[float], call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = call()
    samples.append(time.perf_counter() - start)
    return result


def timed_request(
    client: DapClient, samples: dict[str, list[float]], command: str, arguments: dict[str, Any]
) -> dict[str, Any]:
    """One request's round trip, recorded under its command name; returns the response."""
    return timed(samples[command], lambda: client.request(command, arguments, check=True))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_debuggee(
    client: DapClient,
    mode: str,
    transform: Callable[[dict[str, Any]], dict[str, Any]],
    program: Path,
    env: Mapping[str, str],
) -> tuple[int, subprocess.Popen[bytes] | None]:
    """Send launch, or attach-listen and start the program the way a user would
    (`python -m debugpy --connect`). Returns the launch/attach seq and the user's process."""
    common: dict[str, Any] = {"justMyCode": True, "cwd": str(program.parent)}
    if mode == "launch":
        arguments: dict[str, Any] = {
            "request": "launch",
            "program": str(program),
            "console": "internalConsole",
        }
        return client.send_request("launch", transform({**arguments, **common})), None
    port = free_port()
    arguments = {"request": "attach", "listen": {"host": "127.0.0.1", "port": port}}
    seq = client.send_request("attach", transform({**arguments, **common}))
    # The user's own environment: no smart-debug shim on its PYTHONPATH.
    user_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    client.wait_event("debugpyWaitingForServer")  # the adapter listens: the program may connect
    process = subprocess.Popen(
        [sys.executable, "-m", "debugpy", "--connect", f"127.0.0.1:{port}"]
        + ["--wait-for-client", str(program)],
        env=user_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return seq, process


def debug_session(
    argv: list[str],
    env: Mapping[str, str],
    transform: Callable[[dict[str, Any]], dict[str, Any]],
    program: Path,
    line: int,
    rounds: int,
    mode: str = "launch",
) -> dict[str, list[float]]:
    """Start `program` through the adapter `argv` (`mode` launch or listen), stop at `line`,
    time `rounds` of each kind."""
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    client = DapClient.spawn(argv, env=env)
    user_process = None
    try:
        client.request(
            "initialize",
            {"adapterID": "bench", "clientID": "bench", "linesStartAt1": True},
            check=True,
        )
        start_seq, user_process = start_debuggee(client, mode, transform, program, env)
        client.wait_event("initialized")
        source = {"path": str(program)}
        client.request(
            "setBreakpoints", {"source": source, "breakpoints": [{"line": line}]}, check=True
        )
        client.request("configurationDone", check=True)
        client.wait_response(start_seq, check=True)
        thread_id = client.wait_event("stopped")["body"]["threadId"]
        # Steps from here on must stop because of the step, not the breakpoint.
        client.request("setBreakpoints", {"source": source, "breakpoints": []}, check=True)

        def step() -> None:
            since = client.mark()
            client.request("next", {"threadId": thread_id}, check=True)
            client.wait_event("stopped", since=since)

        for _ in range(rounds):
            timed(samples["threads"], lambda: client.request("threads", check=True))
            trace = timed_request(client, samples, "stackTrace", {"threadId": thread_id})
            frame_id = trace["body"]["stackFrames"][0]["id"]
            scopes = timed_request(client, samples, "scopes", {"frameId": frame_id})
            reference = scopes["body"]["scopes"][0]["variablesReference"]
            timed_request(client, samples, "variables", {"variablesReference": reference})
            timed(samples["next"], step)
        client.request("disconnect", {"terminateDebuggee": True})
    finally:
        client.close()
        if user_process is not None:
            try:
                user_process.wait(USER_PROCESS_EXIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                user_process.kill()
                user_process.wait()
    return samples


def echo_session(argv: list[str], env: Mapping[str, str], rounds: int) -> list[float]:
    """`rounds` timed `threads` round trips to the echo adapter (directly or via the proxy)."""
    samples: list[float] = []
    client = DapClient.spawn(argv, env=env)
    try:
        client.request("initialize", {"adapterID": "bench"}, check=True)
        launch_seq = client.send_request("launch", {"program": "echo", "noDebug": True})
        client.wait_event("initialized")
        client.request("configurationDone", check=True)
        client.wait_response(launch_seq, check=True)
        for _ in range(20):  # warm-up: first calls pay for imports and lazy set-up
            client.request("threads", check=True)
        for _ in range(rounds):
            timed(samples, lambda: client.request("threads", check=True))
        client.request("disconnect", {})
    finally:
        client.close()
    return samples


def identity(arguments: dict[str, Any]) -> dict[str, Any]:
    return arguments


def print_table(
    sides: dict[str, dict[str, list[float]]], target: float | None, mode: str
) -> list[str]:
    """Medians per request kind and side, the proxy/direct ratio; returns the targets missed."""
    missed: list[str] = []
    header = f"{'request':<12}" + "".join(f"{name + ' ms':>18}" for name in sides)
    print(header + f"{'proxy/direct':>14}" + (f"{'target':>9}" if target else ""))
    for kind in KINDS:
        direct = median_ms(sides["direct"][kind])
        row = f"{kind:<12}" + "".join(f"{median_ms(s[kind]):>18.3f}" for s in sides.values())
        if "proxy" in sides:
            ratio = median_ms(sides["proxy"][kind]) / direct
            row += f"{ratio:>14.3f}"
            if target is not None:
                ok = ratio <= target
                missed += [] if ok else [f"{mode} {kind} ratio {ratio:.3f} > {target}"]
                row += f"{'ok' if ok else 'MISSED':>9}"
        print(row)
    return missed


def run(rounds: int, echo_rounds: int) -> int:
    python = sys.executable
    proxy_argv = [python, "-m", "dap_proxy"]
    base_env = {k: v for k, v in os.environ.items() if k != nodelay.ADAPTER_CMD_ENV}
    failures: list[str] = []

    with tempfile.TemporaryDirectory(prefix="roundtrip-") as tmp:
        program, line = write_program(Path(tmp))
        print(f"debug round trips: {rounds} of each kind, stopped at {program.name}:{line}")
        for mode, title, target in (
            ("launch", "launch (the proxy starts the program)", RATIO_TARGET),
            ("listen", "attach listen (the user starts `python -m debugpy --connect`)", None),
        ):
            print(f"\n{title}")
            sides: dict[str, dict[str, list[float]]] = {}
            stock = [python, "-m", "debugpy.adapter"]
            sides["direct"] = debug_session(stock, base_env, identity, program, line, rounds, mode)
            sides["direct+nodelay"] = debug_session(
                nodelay.adapter_command(python),
                nodelay.adapter_env(base_env),
                nodelay.launch_arguments,
                program,
                line,
                rounds,
                mode,
            )
            try:
                sides["proxy"] = debug_session(
                    proxy_argv, base_env, identity, program, line, rounds, mode
                )
            except DapError as exc:
                print(f"  smart-debug dap could not run the session: {exc}")
                failures.append(f"proxy {mode} session")
            failures += print_table(sides, target, mode)

    echo_cmd = shlex.join([python, str(ECHO_ADAPTER)])
    print(f"\nforwarding cost: {echo_rounds} threads round trips to bench/support/echo_adapter.py")
    direct_echo = echo_session([python, str(ECHO_ADAPTER)], base_env, echo_rounds)
    try:
        proxied_echo = echo_session(
            proxy_argv, {**base_env, nodelay.ADAPTER_CMD_ENV: echo_cmd}, echo_rounds
        )
    except DapError as exc:
        print(f"  smart-debug dap could not reach the echo adapter: {exc}")
        failures.append("proxy echo session")
        proxied_echo = []
    print(f"{'path':<28}{'median ms':>12}{'p90 ms':>10}")
    for name, samples in (
        ("client -> echo", direct_echo),
        ("client -> proxy -> echo", proxied_echo),
    ):
        if samples:
            p90 = statistics.quantiles(samples, n=10)[-1] * 1000.0
            print(f"{name:<28}{median_ms(samples):>12.3f}{p90:>10.3f}")
    if proxied_echo:
        added = median_ms(proxied_echo) - median_ms(direct_echo)
        ok = added <= ADDED_MS_TARGET
        failures += [] if ok else [f"forwarding adds {added:.3f} ms"]
        print(
            f"added by the proxy: {added:.3f} ms per round trip (median; target <= "
            f"{ADDED_MS_TARGET} ms) {'ok' if ok else 'MISSED'}"
        )

    if failures:
        print("\ntargets missed: " + "; ".join(failures))
        return 1
    print("\nall targets met")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rounds", type=int, default=20, help="round trips per kind")
    parser.add_argument("--echo-n", type=int, default=2000, help="echo adapter round trips")
    args = parser.parse_args()
    if args.rounds < 2 or args.echo_n < 10:
        parser.error("need at least 2 debug round trips and 10 echo round trips")
    return run(args.rounds, args.echo_n)


if __name__ == "__main__":
    sys.exit(main())

"""Wire fuzz: corrupted frames never take the next message down, and nothing escapes the decoder.

1. Through the proxy: N seeded cases (default 5,000), each one valid editor request with a single
   corruption (bench/support/wire_fuzz.py: a byte flipped, deleted or inserted in the header or
   the body, the header duplicated or cut, the frame cut off), followed by a valid request, sent
   to a real `python -m dap_proxy` over stdio with a trivial adapter behind it. Counts the valid
   requests answered (target >= 99%), hangs (no answer within the timeout) and tracebacks
   (target 0).
2. In process: hypothesis-generated streams of valid, corrupted and random frames through the
   decoder until M frames (default 100,000), every decoded message encoded again as the proxy
   does when it forwards it. Counts exceptions that escape (target 0).

Exit status 1 when a target is missed.

    .venv/bin/python bench/fuzz.py [--cases 5000] [--frames 100000] [--seed 12] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
from wire_fuzz import KINDS, frames, run_proxy_fuzz  # noqa: E402

from dap_proxy.wire.framing import FrameDecoder, FrameError, encode_message  # noqa: E402

ANSWERED_TARGET = 0.99
BATCH = 2000  # hypothesis examples per run; runs repeat with new seeds until enough frames


def decoder_fuzz(frame_target: int, seed: int) -> dict[str, object]:
    """Feed hypothesis-generated streams to the decoder; count frames and escaped exceptions."""
    counts: Counter[str] = Counter()
    first_failure: list[str] = []

    @settings(
        max_examples=BATCH,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(frames(), min_size=1, max_size=12), st.integers(min_value=1, max_value=300))
    def run(stream: list[bytes], split: int) -> None:
        counts["frames"] += len(stream)
        data = b"".join(stream)
        decoder = FrameDecoder(max_frame=2000)
        try:
            for start in range(0, len(data), split):
                for item in decoder.feed(data[start : start + split]):
                    if isinstance(item, FrameError):
                        counts["errors"] += 1
                    else:
                        counts["messages"] += 1
                        encode_message(item)
        except Exception as exc:  # what the bench counts: nothing may escape the wire layer
            counts["escaped"] += 1
            if not first_failure:
                first_failure.append(f"{type(exc).__name__}: {exc} on {data[:200]!r}")

    started = time.perf_counter()
    batch = 0
    while counts["frames"] < frame_target:
        hypothesis_seed(seed * 1000 + batch)(run)()
        batch += 1
    return {
        "frames": counts["frames"],
        "decoded_messages": counts["messages"],
        "frame_errors": counts["errors"],
        "escaped_exceptions": counts["escaped"],
        "first_failure": first_failure[0] if first_failure else None,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    proxy = run_proxy_fuzz(args.cases, args.seed).as_dict() if args.cases else {}
    decoder = decoder_fuzz(args.frames, args.seed) if args.frames else {}
    missed: list[str] = []
    if proxy:
        if float(proxy["ratio"]) < ANSWERED_TARGET:  # type: ignore[arg-type]
            missed.append(f"answered {proxy['ratio']:.2%} < {ANSWERED_TARGET:.0%}")
        if proxy["tracebacks"] or proxy["crashed"]:
            missed.append(f"tracebacks {proxy['tracebacks']}, crashes {proxy['crashed']}")
    if decoder and decoder["escaped_exceptions"]:
        missed.append(f"{decoder['escaped_exceptions']} exceptions escaped the decoder")
    if args.json:
        print(json.dumps({"proxy": proxy, "decoder": decoder, "missed": missed}, indent=2))
        return 1 if missed else 0
    if proxy:
        print(
            f"Through the proxy: {proxy['cases']} corrupted requests, each followed by a valid one"
        )
        print(
            f"  valid request answered: {proxy['answered']} ({proxy['ratio']:.2%}; target >= 99%)"
        )
        print(f"  hangs (no answer in time, proxy restarted): {proxy['restarts']}")
        print(f"  tracebacks: {proxy['tracebacks']}  crashes: {proxy['crashed']}")
        by_kind = proxy["missed_by_kind"]
        assert isinstance(by_kind, dict)
        print("  missed by kind: " + ", ".join(f"{k} {by_kind.get(k, 0)}" for k in KINDS))
        print(f"  {proxy['seconds']} s")
    if decoder:
        print(f"In process: {decoder['frames']} hypothesis-generated frames")
        print(
            f"  decoded messages {decoder['decoded_messages']}, frame errors "
            f"{decoder['frame_errors']}, exceptions escaped {decoder['escaped_exceptions']} "
            f"(target 0); {decoder['seconds']} s"
        )
        if decoder["first_failure"]:
            print(f"  first: {decoder['first_failure']}")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

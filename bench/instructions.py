"""Instructions counted by callgrind for `smart-debug analyze` and the raw parse of its files.

The CLI over the interpreter's top-level standard library modules (bench/analysis.py's CLI
side) and the raw tree-sitter parse of the same files, each counted by valgrind's callgrind in
one run of this script, with their ratio: instructions, not seconds. This machine's speed moves
in phases of seconds (the same parse takes 0.6 to 1.3 s minutes apart), and the timed ratio
moves with them; an instruction count does not, so it says whether a change made the work
smaller. It is not the target (bench/analysis.py times that): Python's work runs
fewer instructions per second than the parser's, so the timed ratio is the larger.

With --every N, also the whole-file pass (bench/analysis.py's first side, `analyze_source`)
against the raw parse over every Nth file of the standard library, in instructions.

Each side is a fresh interpreter under callgrind with PYTHONHASHSEED=0 (set iteration order,
and with it the work, the same every run). The parse side's interpreter start, imports (the
engine's, whose query is compiled too) and file reads are counted by a run that does everything
but parse, and taken out.
Under callgrind everything runs about 50x slower: expect 3-5 minutes.

Usage: .venv/bin/python bench/instructions.py [--limit N] [--every N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analysis import cli_command, stdlib_files, top_level_modules  # noqa: E402

# Every side but the CLI: the files are read, the engine imported and its query compiled, then
# each file analysed (WORK=analyze) or parsed (WORK=parse), or neither (WORK=none: the start,
# imports and reads the other two are counted without).
WORK_SCRIPT = """
import os, sys
from dap_proxy.analysis.engine import analyze_source
from dap_proxy.analysis.languages import new_parser
sources = [(path, open(path, "rb").read()) for path in sys.argv[1:]]
analyze_source(b"x = 1\\n", "warmup.py")
parser = new_parser("python")
work = os.environ["WORK"]
for path, source in sources:
    if work == "analyze":
        analyze_source(source, path)
    elif work == "parse":
        parser.parse(source)
"""
TOTALS = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def instructions(command: list[str], env: dict[str, str]) -> int:
    """Instructions callgrind counts for one run of `command` (its output discarded)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        completed = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0", **env},
            check=False,
        )
        found = TOTALS.search(out.read_text()) if out.is_file() else None
        if completed.returncode != 0 or found is None:
            tail = "\n".join(completed.stderr.splitlines()[-5:])
            raise SystemExit(f"callgrind run failed ({' '.join(command[:3])} ...):\n{tail}")
        return int(found.group(1))


def work_instructions(files: list[str], *works: str) -> tuple[int, list[int]]:
    """WORK_SCRIPT's instructions over `files` doing nothing, and then for each of `works`
    its instructions less those."""
    run = [sys.executable, "-c", WORK_SCRIPT, *files]
    base = instructions(run, {"WORK": "none"})
    return base, [instructions(run, {"WORK": work}) - base for work in works]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N modules")
    parser.add_argument(
        "--every", type=int, default=0, help="also the whole pass over every Nth stdlib file"
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("skipped: valgrind is not on PATH (apt-get install valgrind)")
        return 0
    files = [str(path) for path in top_level_modules()[: args.limit]]
    print(f"counting instructions over {len(files)} top-level stdlib modules (callgrind)")
    cli = instructions([*cli_command(), "analyze", *files], {})
    print(f"`smart-debug analyze` CLI (whole run):  {cli / 1e9:6.2f} G")
    base, (parse,) = work_instructions(files, "parse")
    print(f"raw tree-sitter parse:                  {parse / 1e9:6.2f} G  "
          f"({(parse + base) / 1e9:.2f} G run - {base / 1e9:.2f} G start, imports, query, reads)")  # fmt: skip
    print(f"ratio CLI/parse in instructions:        {cli / parse:6.2f}x")
    if args.every > 0:
        sample = [path for path, _ in stdlib_files(None)[:: args.every]]
        _, (analysed, parsed_pass) = work_instructions(sample, "analyze", "parse")
        print(f"whole pass over every {args.every}th stdlib file ({len(sample)} files):")
        print(f"  analyze_source:                       {analysed / 1e9:6.2f} G")
        print(f"  raw tree-sitter parse:                {parsed_pass / 1e9:6.2f} G")
        print(f"  ratio analysis/parse in instructions: {analysed / parsed_pass:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

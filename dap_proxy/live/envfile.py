"""`envFile`: a launch configuration's file of `NAME=value` lines for the program's environment.

debugpy has no such key (VS Code's Python extension reads the file itself before debugpy starts),
so the live session reads it, for every editor: the file's variables go under the configuration's
`env`, which wins where both name a variable. Lines are `NAME=value`, optionally after `export`;
`#` starts a comment; a value may be quoted ('...' literally, "..." with `\\n` escapes); `${NAME}`
takes an earlier line's value or the proxy's environment. A missing file or a bad line is named in
the Debug Console and the program starts without it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def read_env_file(arguments: dict[str, Any], problems: list[str]) -> dict[str, str] | None:
    """The variables of `arguments["envFile"]` (relative to `cwd`), or None when there is none."""
    name = arguments.get("envFile")
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        problems.append(f"`envFile` must be a path, got {name!r:.80}; ignored")
        return None
    path = Path(name).expanduser()
    cwd = arguments.get("cwd")
    if not path.is_absolute() and isinstance(cwd, str) and cwd:
        path = Path(cwd) / path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"`envFile` {path} does not exist; the program starts without it")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(
            f"`envFile` {path} could not be read ({exc}); the program starts without it"
        )
        return None
    return parse_env(text, str(path), problems)


def parse_env(text: str, label: str, problems: list[str]) -> dict[str, str]:
    """`NAME=value` lines of `text`; one problem per line that is not one."""
    variables: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(
                f"`envFile` {label}:{number} skipped: not NAME=value ({line.strip():.60})"
            )
            continue
        key, raw = match.groups()
        variables[key] = _value(raw, variables)
    return variables


def _value(raw: str, earlier: dict[str, str]) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1].replace("\\n", "\n").replace('\\"', '"')
    else:
        raw = re.split(r"\s+#", raw, maxsplit=1)[0]
    return _REFERENCE.sub(lambda m: earlier.get(m[1], os.environ.get(m[1], "")), raw)

"""TCP_NODELAY for debugpy's adapter<->debuggee sockets (debugpy issue #2054, issue 2 section 4).

Why: pydevd (in the debuggee) sends each message in two writes, header then body. With Nagle's
algorithm on (no TCP_NODELAY), the body waits until the adapter acknowledges the header, and the
adapter's kernel delays that ACK by ~40 ms: every request that reaches the debuggee costs ~44 ms. The proxy calls the three functions below
for every session where it starts debugpy's adapter itself (launch, attach-listen,
attach-processId). debugpy's installed files are never modified.

How, per process (the patching code is `nodelay_shim/_smart_debug_nodelay.py`; it touches only
debugpy's own socket helpers, never the user's sockets):

- **Adapter** (`adapter_command`): `<python> -m dap_proxy.proxy.nodelay [adapter args]` installs the
  patch and then runs `debugpy.adapter` with `runpy`, exactly like `-m debugpy.adapter` (same argv,
  same `__main__` block). Every socket from `debugpy.common.sockets` (listeners, connections it
  opens, connections it accepts) gets TCP_NODELAY: the debuggee and launcher links; accepted
  connections also get TCP_QUICKACK (see attach below).
- **Launcher and debuggee** (`adapter_env`, `launch_arguments`): both run under the user's
  interpreter, so the proxy cannot choose their argv. The directory `nodelay_shim/` is put first on
  their PYTHONPATH; its `sitecustomize.py` installs an import hook that patches pydevd's
  `start_client`/`start_server` (debuggee) and `debugpy.common.sockets` (launcher) when debugpy
  imports them, and then runs the user's own `sitecustomize` (the next one on sys.path), so that
  keeps working. The user's PYTHONPATH is kept after ours: the one from the launch `env` when it
  sets one (debugpy lets it replace the inherited one), else the proxy's own. The shim only adds
  three module names to the debuggee (`sitecustomize` is chained, `_smart_debug_nodelay`, and
  `_smart_debug_pydevd`, whose pydevd patches keep a hot loop's spent probes cheap).
- **attach listen / processId**: the debuggee is started by the user (`python -m debugpy
  --connect`) or injected into a running process, so its pydevd keeps Nagle on, and NODELAY on
  the adapter's end alone measured no gain (44 ms stays). So the adapter also re-arms TCP_QUICKACK
  (Linux) on every connection it accepts after each receive: it acknowledges the debuggee's
  header segment at once, and the debuggee's Nagle releases the body without waiting for the
  40 ms delayed ACK. Measured by bench/roundtrip.py ("attach listen"): ~44 ms -> ~1 ms. Other
  systems have no TCP_QUICKACK: there attach keeps debugpy's latency. processId goes through the
  same accepted link as listen (the injected pydevd connects to the adapter), but injection (gdb)
  fails in this project's sandbox, so that case is not measured here.

Testing/benchmark seam: when `SMART_DEBUG_ADAPTER_CMD` is set (a shell-style command line, or a
JSON array of strings), `adapter_command` returns it instead: bench/roundtrip.py uses it to put a
trivial echo adapter behind the proxy and measure the proxy's own forwarding cost.
"""

from __future__ import annotations

import json
import os
import runpy
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ADAPTER_CMD_ENV = "SMART_DEBUG_ADAPTER_CMD"
SHIM_DIR = Path(__file__).resolve().with_name("nodelay_shim")
PYTHONPATH = "PYTHONPATH"
# A directory whose path contains the PYTHONPATH separator cannot be put on PYTHONPATH: then the
# launcher and debuggee keep debugpy's stock sockets (the adapter side still works).
_SHIM_USABLE = os.pathsep not in str(SHIM_DIR)

# Launch arguments that make a request an attach: there is no debuggee for us to start.
_ATTACH_KEYS = ("processId", "listen", "connect", "port", "host")


class AdapterCommandError(ValueError):
    """SMART_DEBUG_ADAPTER_CMD is set but is not a usable command line."""


def adapter_command(python: str) -> list[str]:
    """argv that starts debugpy's adapter on stdio under `python` (the proxy's interpreter)."""
    override = os.environ.get(ADAPTER_CMD_ENV, "").strip()
    if override:
        return _parse_override(override)
    return [python, "-m", "dap_proxy.proxy.nodelay"]


def adapter_env(base: Mapping[str, str]) -> dict[str, str]:
    """Environment for the adapter process: `base` with the shim first on PYTHONPATH.

    The adapter patches itself (see `main`); the shim is for the launcher it starts with this
    environment (console "internalConsole"), whose socket carries the program's output events.
    """
    env = dict(base)
    if _SHIM_USABLE:
        env[PYTHONPATH] = _with_shim(env.get(PYTHONPATH))
    return env


def launch_arguments(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The launch/attach arguments as forwarded to debugpy (the debuggee side of the mechanism).

    For a launch with debugging, `env.PYTHONPATH` becomes the shim directory followed by the
    PYTHONPATH the debuggee would have had without us. Attach and noDebug are returned unchanged.
    """
    forwarded = dict(arguments)
    if (
        not _SHIM_USABLE
        or forwarded.get("noDebug")
        or forwarded.get("request") == "attach"
        or any(key in forwarded for key in _ATTACH_KEYS)
    ):
        return forwarded
    raw_env = forwarded.get("env")
    if raw_env is not None and not isinstance(raw_env, Mapping):
        return forwarded  # not an object: debugpy answers it with its own error message
    env: dict[str, Any] = dict(raw_env or {})
    key = _env_key(env, PYTHONPATH)
    # debugpy's launcher starts from its own environment and applies `env` on top (a None value
    # removes the variable), so a PYTHONPATH in `env` replaces the inherited one entirely.
    inherited = env.pop(key) if key in env else os.environ.get(PYTHONPATH)
    env[PYTHONPATH] = _with_shim(inherited if isinstance(inherited, str) else None)
    forwarded["env"] = env
    return forwarded


def _with_shim(pythonpath: str | None) -> str:
    """`pythonpath` with the shim directory first (once, even if it was already there)."""
    shim = str(SHIM_DIR)
    if not pythonpath:
        return shim
    # Empty entries stay: in PYTHONPATH they mean the current directory.
    entries = [
        e for e in pythonpath.split(os.pathsep) if os.path.normcase(e) != os.path.normcase(shim)
    ]
    return os.pathsep.join([shim, *entries])


def _env_key(env: Mapping[str, Any], name: str) -> str:
    """The key under which `name` is spelled in `env` (Windows environments ignore case)."""
    if os.name == "nt":
        for key in env:
            if key.upper() == name:
                return key
    return name


def _parse_override(value: str) -> list[str]:
    try:
        argv = json.loads(value) if value.startswith("[") else shlex.split(value)
    except ValueError as exc:
        raise AdapterCommandError(
            f"{ADAPTER_CMD_ENV}={value!r} is not a command line ({exc}); "
            "give a shell-style command or a JSON array of strings, or unset it"
        ) from exc
    if not argv or not all(isinstance(part, str) and part for part in argv):
        raise AdapterCommandError(
            f"{ADAPTER_CMD_ENV}={value!r} gives no program to run; "
            "give a shell-style command or a JSON array of strings, or unset it"
        )
    return list(argv)


def main() -> None:
    """`python -m dap_proxy.proxy.nodelay [args]`: debugpy's adapter with TCP_NODELAY sockets."""
    from dap_proxy.proxy.nodelay_shim import _smart_debug_nodelay

    _smart_debug_nodelay.install()
    # Same as `python -m debugpy.adapter [args]`: argv[1:] untouched, argv[0] becomes its path.
    runpy.run_module("debugpy.adapter", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()

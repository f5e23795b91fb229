"""The table of external integration boundaries (I/O, network, database, subprocess, time,
randomness, threading) by module / object / function name, per language. Configurable: pass a
`BoundaryConfig` to the analysis to replace or extend the defaults."""

from __future__ import annotations

from pydantic import BaseModel, Field

from dap_proxy.analysis.models import DEFERRED_BUILD

FILE_IO = "file I/O"
NETWORK = "network"
DATABASE = "database"
SUBPROCESS = "subprocess"
TIME = "time"
RANDOM = "randomness"
CONCURRENCY = "threading/concurrency"
OS = "operating system"
CONSOLE = "console input"


class BoundaryConfig(BaseModel):
    """Names that mark a call as crossing out of the program. `modules` match the root of the
    callee (`socket.create_connection`, or a name imported from that module); `calls` match a
    bare or dotted callee exactly (`open`, `Math.random`); `pure` lists dotted calls under a
    boundary module that do not leave the program (`os.path.join`)."""

    model_config = DEFERRED_BUILD

    modules: dict[str, str] = Field(default_factory=dict)
    calls: dict[str, str] = Field(default_factory=dict)
    pure: set[str] = Field(default_factory=set)

    def merged(self, other: BoundaryConfig) -> BoundaryConfig:
        """These defaults extended (and overridden) by `other`."""
        return BoundaryConfig(
            modules={**self.modules, **other.modules},
            calls={**self.calls, **other.calls},
            pure=self.pure | other.pure,
        )


def _table(category: str, *names: str) -> dict[str, str]:
    return dict.fromkeys(names, category)


# The defaults are built without validation (they are ours, and well typed): validating them would
# build the model's validator at import, in every command that analyses code.
PYTHON_BOUNDARIES = BoundaryConfig.model_construct(
    modules={
        **_table(OS, "os", "signal", "select", "selectors", "ctypes"),
        **_table(FILE_IO, "io", "shutil", "tempfile", "glob", "fileinput", "zipfile", "tarfile"),
        **_table(
            NETWORK,
            "socket",
            "ssl",
            "http",
            "urllib",
            "urllib3",
            "requests",
            "httpx",
            "aiohttp",
            "smtplib",
            "ftplib",
            "imaplib",
            "poplib",
            "websocket",
            "websockets",
            "grpc",
            "xmlrpc",
            "socketserver",
        ),
        **_table(
            DATABASE,
            "sqlite3",
            "psycopg",
            "psycopg2",
            "pymysql",
            "MySQLdb",
            "sqlalchemy",
            "redis",
            "pymongo",
            "dbm",
            "shelve",
            "asyncpg",
        ),
        **_table(SUBPROCESS, "subprocess", "pty"),
        **_table(TIME, "time", "datetime"),
        **_table(RANDOM, "random", "secrets", "uuid"),
        **_table(
            CONCURRENCY, "threading", "multiprocessing", "concurrent", "asyncio", "_thread", "queue"
        ),
    },
    calls={"open": FILE_IO, "input": CONSOLE, "breakpoint": OS},
    pure={
        "os.path.join",
        "os.path.basename",
        "os.path.dirname",
        "os.path.splitext",
        "os.path.normpath",
        "os.path.normcase",
        "os.path.split",
        "os.path.splitdrive",
        "os.path.commonprefix",
        "os.fspath",
        "os.fsencode",
        "os.fsdecode",
        "os.path.isabs",
        "datetime.timedelta",
        "asyncio.iscoroutine",
        "asyncio.iscoroutinefunction",
        "queue.Queue",
        "threading.Lock",
        "threading.RLock",
        "threading.Event",
        "uuid.UUID",
    },
)

ECMASCRIPT_BOUNDARIES = BoundaryConfig.model_construct(
    modules={
        **_table(FILE_IO, "fs", "readline", "stream"),
        **_table(
            NETWORK,
            "http",
            "https",
            "http2",
            "net",
            "dgram",
            "tls",
            "dns",
            "axios",
            "node-fetch",
            "got",
            "superagent",
            "ws",
        ),
        **_table(
            DATABASE,
            "pg",
            "mysql",
            "mysql2",
            "sqlite3",
            "better-sqlite3",
            "mongodb",
            "mongoose",
            "redis",
            "ioredis",
            "knex",
            "sequelize",
            "prisma",
            "localStorage",
            "sessionStorage",
            "indexedDB",
        ),
        **_table(SUBPROCESS, "child_process"),
        **_table(CONCURRENCY, "worker_threads", "cluster"),
        **_table(OS, "process", "os"),
        **_table(RANDOM, "crypto"),
    },
    calls={
        "fetch": NETWORK,
        "XMLHttpRequest": NETWORK,
        "WebSocket": NETWORK,
        "EventSource": NETWORK,
        "Worker": CONCURRENCY,
        "setTimeout": TIME,
        "setInterval": TIME,
        "setImmediate": TIME,
        "queueMicrotask": CONCURRENCY,
        "Date": TIME,
        "Date.now": TIME,
        "performance.now": TIME,
        "Math.random": RANDOM,
        "prompt": CONSOLE,
    },
    pure={"process.nextTick"},
)


def default_boundaries(language: str) -> BoundaryConfig:
    return PYTHON_BOUNDARIES if language == "python" else ECMASCRIPT_BOUNDARIES


def module_root(module: str) -> str:
    """`node:fs/promises` -> `fs`, `os.path` -> `os`, `@scope/pkg/x` -> `@scope/pkg`."""
    module = module.removeprefix("node:")
    if module.startswith("@"):
        return "/".join(module.split("/")[:2])
    return module.split("/")[0].split(".")[0]

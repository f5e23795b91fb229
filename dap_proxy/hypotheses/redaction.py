"""Secret redaction: everything bound for the Anthropic engine passes through here first (DESIGN.md
principle "AI never receives a secret"; issue 4). Code, variables, tracebacks and issue text alike.

What is redacted, in this order (each secret becomes a marker `[REDACTED:<kind>]`):

1. PEM private key blocks (`-----BEGIN ... PRIVATE KEY-----` up to the END line, or to the end of
   the text when truncated).
2. Values of the current process environment whose variable NAME looks secret-ish (contains KEY,
   TOKEN, SECRET, PASSW, CREDENTIAL, AUTH, PRIVATE, DSN, COOKIE, SESSION, ...; PWD/OLDPWD excluded)
   and whose value is at least `MIN_ENV_VALUE_LEN` characters, wherever they appear verbatim.
   Decision: we do NOT redact every environment value (HOME, USER, PATH entries would erase the file
   paths a traceback is about); secret-ish names plus the pattern rules below cover the leaks.
3. JWTs (`eyJ...`.`eyJ...`.`...`).
4. URL credentials (`scheme://user:password@host`): the password part.
5. Connection-string credentials (`...;Password=...;`, `Pwd=`, `AccountKey=`, `SharedAccessKey=`).
6. Authorization values: `Bearer <token>`, `Basic <base64>`.
7. Well-known API key shapes: `sk-...` (Anthropic/OpenAI), `sk_live_`/`rk_test_` (Stripe),
   `AKIA...`/`ASIA...` (AWS), `ghp_`/`gho_`/`ghs_`/`ghu_`/`ghr_`/`github_pat_` (GitHub), `xox?-`
   (Slack), `AIza...` (Google).
8. Password-like assignments: a name containing password/passwd/pwd/passphrase/secret/token/api key/
   access key/private key/credential followed by `=` or `:` and a QUOTED value (code, JSON, YAML),
   or `name=value` with no spaces (query strings, .env files, CLI flags). An unquoted expression in
   code (`password = input()`) is left alone: it is not a secret and the AI needs the code.
9. E-mail addresses.
10. Every secret found by rules 3-9 is then also removed wherever else it appears verbatim (in the
    same text, and with `redact_obj` anywhere in the object): a password taken from a URL in the
    code must not survive in an exception message.

`redact_obj` walks dicts, lists, tuples and pydantic models; a dict value whose key is secret-ish
(or a DAP variable `{"name": "password", "value": ...}`) is replaced whole.
Findings record the kind and line of each secret, never the secret itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from enum import Enum
from functools import lru_cache
from typing import TypeVar

from pydantic import BaseModel

MIN_ENV_VALUE_LEN = 6  # shorter values ("1", "true", "dev") would erase ordinary words
MIN_QUOTED_SECRET_LEN = 4  # `token = "("` in a tokenizer is not a secret


class SecretKind(str, Enum):
    PRIVATE_KEY = "private_key"
    ENV_VALUE = "env_value"
    JWT = "jwt"
    URL_CREDENTIALS = "url_credentials"
    CONNECTION_STRING = "connection_string"
    BEARER_TOKEN = "bearer_token"
    API_KEY = "api_key"
    PASSWORD = "password"
    EMAIL = "email"
    SECRET_FIELD = "secret_field"  # a dict value under a secret-ish key (redact_obj)


def marker(kind: SecretKind) -> str:
    return f"[REDACTED:{kind.value}]"


class Finding(BaseModel):
    """One redacted secret: its kind and the 1-based line of the ORIGINAL text (0 for object keys)."""

    kind: SecretKind
    line: int = 0
    path: str = ""  # where in a nested object (redact_obj), e.g. "variables[2].value"


class RedactionResult(BaseModel):
    text: str
    findings: list[Finding]

    @property
    def kinds(self) -> set[SecretKind]:
        return {f.kind for f in self.findings}


_SECRET_NAME = re.compile(
    r"(?i)(passw|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key"
    r"|credential|auth(?!or)|dsn|cookie|accountkey|sharedaccesskey|[_-]key$)"
)
_NOT_SECRET_ENV = {"PWD", "OLDPWD", "SSH_AUTH_SOCK", "XAUTHORITY", "KEYTIMEOUT"}

_PEM = re.compile(
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*\Z)",
    re.DOTALL,
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_URL_CREDS = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@'\"]+:)([^\s/@'\"]+)(@)")
_CONN_PAIR = re.compile(
    r"(?i)(\b(?:password|pwd|accountkey|sharedaccesskey)\s*=\s*)([^;'\"\n]+?)(?=\s*(?:;|['\"\n]|\Z))"
)
_AUTH_VALUE = re.compile(r"(?i)(\b(?:bearer|basic)\s+)([A-Za-z0-9\-._~+/]{8,}=*)")
_API_KEY = re.compile(
    r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}"
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|AIza[0-9A-Za-z_-]{35})"
)
_NAME = (
    r"[A-Za-z0-9_.-]*(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey"
    r"|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_]*"
)
# name, optional closing quote, = or :, then a quoted value (any spacing) ...
_QUOTED_ASSIGN = re.compile(
    rf"(?i)(\b{_NAME}['\"]?\s*(?:=|:)\s*[rbuf]?(['\"]))((?:(?!\2)[^\\\n]|\\.){{{MIN_QUOTED_SECRET_LEN},}}?)(\2)"
)
# ... or name=value without spaces (URL query, .env, CLI flag --password=...)
_BARE_ASSIGN = re.compile(rf"(?i)(\b{_NAME}=)([^\s;,'\"&)\]}}<>\[]+)")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


@lru_cache(maxsize=4096)  # the environment's names, checked again for every redacted object
def looks_secret_name(name: str) -> bool:
    """True for a variable/key name that suggests its value is a credential."""
    return name.upper() not in _NOT_SECRET_ENV and bool(_SECRET_NAME.search(name))


# Every pattern below needs one of these substrings: text with none of them (most variable values,
# a number, a short repr) cannot hold a secret they find, so it skips the passes. Only verbatim
# values (environment, already learned) are still looked for in it.
_MAY_MATCH = re.compile(
    r"[=:@]|BEGIN|eyJ|sk[-_]|rk_|AKIA|ASIA|gh[pousr]_|github_pat_|xox|AIza|(?i:bearer|basic)"
)


def _env_secrets(env: Mapping[str, str]) -> list[str]:
    values = {v for k, v in env.items() if looks_secret_name(k) and len(v) >= MIN_ENV_VALUE_LEN}
    return sorted(values, key=len, reverse=True)  # longest first: a value may contain another


class _Pass:
    """One rule: a regex, the group to replace (0 = whole match), and the kind."""

    def __init__(
        self,
        kind: SecretKind,
        pattern: re.Pattern[str],
        group: int = 0,
        keep: Callable[[re.Match[str]], bool] | None = None,
        learn: Callable[[str], bool] | None = None,
    ) -> None:
        self.kind, self.pattern, self.group, self.keep = kind, pattern, group, keep
        self.learn = learn

    def apply(
        self,
        text: str,
        original_lines: Callable[[str], int],
        out: list[Finding],
        learned: dict[str, SecretKind],
    ) -> str:
        def replace(m: re.Match[str]) -> str:
            if self.keep and self.keep(m):
                return m.group(0)
            secret = m.group(self.group)
            out.append(Finding(kind=self.kind, line=original_lines(secret)))
            if self.kind != SecretKind.PRIVATE_KEY and (self.learn is None or self.learn(secret)):
                learned.setdefault(secret.strip(), self.kind)
            if self.group == 0:
                return marker(self.kind)
            start, end = m.span(self.group)
            s0 = m.start(0)
            whole = m.group(0)
            return whole[: start - s0] + marker(self.kind) + whole[end - s0 :]

        return self.pattern.sub(replace, text)


def _is_marker_value(m: re.Match[str]) -> bool:
    return "[REDACTED:" in m.group(0)


def _not_code_name(value: str) -> bool:
    # `f(password=user_password)` is code: cut the value there, but do not erase every use of the
    # variable `user_password` elsewhere (rule 10). `--password=hunter2` is learned.
    return not re.fullmatch(r"[A-Za-z_][A-Za-z0-9]*(?:[._][A-Za-z0-9_.]*|\(.*)", value)


def _not_connection_string(m: re.Match[str]) -> bool:
    # `Password=...` is a connection-string pair only inside a `;`-separated list; elsewhere it is
    # left to the password rule (a URL query, an .env line).
    after = m.string[m.end(2) :].lstrip(" \t")
    before = m.string[: m.start(1)].rstrip(" \t")
    return _is_marker_value(m) or not (after.startswith(";") or before.endswith(";"))


_PASSES = [
    _Pass(SecretKind.JWT, _JWT),
    _Pass(SecretKind.URL_CREDENTIALS, _URL_CREDS, 2, _is_marker_value),
    _Pass(SecretKind.CONNECTION_STRING, _CONN_PAIR, 2, _not_connection_string),
    _Pass(SecretKind.BEARER_TOKEN, _AUTH_VALUE, 2),
    _Pass(SecretKind.API_KEY, _API_KEY),
    _Pass(SecretKind.PASSWORD, _QUOTED_ASSIGN, 3, _is_marker_value),
    _Pass(SecretKind.PASSWORD, _BARE_ASSIGN, 2, _is_marker_value, _not_code_name),
    _Pass(SecretKind.EMAIL, _EMAIL),
]


def redact(text: str, env: Mapping[str, str] | None = None) -> RedactionResult:
    """Replace every secret in `text` by a `[REDACTED:<kind>]` marker. `env` defaults to the
    current process environment (its secret-ish values are redacted wherever they appear)."""
    out, findings = _redact(text, _env_secrets(os.environ if env is None else env), {})
    return RedactionResult(text=out, findings=findings)


def _redact(
    text: str, env_values: list[str], learned: dict[str, SecretKind]
) -> tuple[str, list[Finding]]:
    """The passes of the module docstring. `learned` maps secrets already found (in this text or
    elsewhere in the same object) to their kind: a password found in a URL is also removed where
    it appears bare, e.g. in an exception message. New finds are added to it."""
    findings: list[Finding] = []
    if _MAY_MATCH.search(text) is None and not any(
        value in text for value in (*env_values, *learned)
    ):
        return text, findings

    def line_of(secret: str) -> int:
        # The line in the original text where this secret first occurs (1-based; 0 if rewritten).
        at = text.find(secret)
        return text.count("\n", 0, at) + 1 if at >= 0 else 0

    def verbatim(out: str, values: Mapping[str, SecretKind]) -> str:
        for value in sorted(values, key=len, reverse=True):  # a value may contain another
            if len(value) < MIN_ENV_VALUE_LEN or "[REDACTED:" in value:
                continue  # short values would erase ordinary words
            while value in out:
                findings.append(Finding(kind=values[value], line=line_of(value)))
                out = out.replace(value, marker(values[value]), 1)
        return out

    out = _PASSES_PEM.apply(text, line_of, findings, learned)
    out = verbatim(out, {v: SecretKind.ENV_VALUE for v in env_values})
    out = verbatim(out, learned)
    found: dict[str, SecretKind] = {}
    for rule in _PASSES:
        out = rule.apply(out, line_of, findings, found)
    out = verbatim(out, found)  # the same secret again, where no pattern marked it
    for value, kind in found.items():
        learned.setdefault(value, kind)
    return out, findings


_PASSES_PEM = _Pass(SecretKind.PRIVATE_KEY, _PEM)

T = TypeVar("T")


def redact_obj(
    obj: T,
    findings: list[Finding] | None = None,
    env: Mapping[str, str] | None = None,
) -> T:
    """A copy of `obj` (str, dict, list, tuple, pydantic model, scalars) with every string redacted
    and every value under a secret-ish key replaced whole. Findings are appended to `findings`.
    Two passes: the first learns every secret in the object, the second removes each one from
    every string (a key found in the source code is also cut from a variable's value)."""
    environment = _env_secrets(
        os.environ if env is None else env
    )  # once per object, not per string
    learned: dict[str, SecretKind] = {}
    _walk(obj, [], environment, learned, "")
    return _walk(obj, findings if findings is not None else [], environment, learned, "")


def _walk(
    obj: T,
    sink: list[Finding],
    env: list[str],
    learned: dict[str, SecretKind],
    path: str,
) -> T:
    if isinstance(obj, str):
        text, found = _redact(obj, env, learned)
        sink.extend(f.model_copy(update={"path": path}) for f in found)
        return text  # type: ignore[return-value]
    if isinstance(obj, BaseModel):
        data = _walk(obj.model_dump(mode="json"), sink, env, learned, path)
        return type(obj).model_validate(data)  # type: ignore[return-value]
    if isinstance(obj, Mapping):
        out: dict[object, object] = {}
        # A DAP variable {"name": "api_key", "value": "'...'"}: the name says the value is secret.
        dap_secret = isinstance(obj.get("name"), str) and looks_secret_name(str(obj["name"]))
        for key, value in obj.items():
            sub = f"{path}.{key}" if path else str(key)
            secret_key = isinstance(key, str) and looks_secret_name(key)
            if (secret_key or (dap_secret and key == "value")) and _is_secret_scalar(value):
                sink.append(Finding(kind=SecretKind.SECRET_FIELD, path=sub))
                learned.setdefault(str(value).strip("'\""), SecretKind.SECRET_FIELD)
                out[key] = marker(SecretKind.SECRET_FIELD)
            else:
                out[key] = _walk(value, sink, env, learned, sub)
        return out  # type: ignore[return-value]
    if isinstance(obj, list | tuple):
        items = [_walk(v, sink, env, learned, f"{path}[{i}]") for i, v in enumerate(obj)]
        return type(obj)(items) if isinstance(obj, tuple) else items  # type: ignore[return-value]
    return obj


def _is_secret_scalar(value: object) -> bool:
    # Booleans/None/short strings under "token" keys are flags and counters, not credentials.
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return len(value.strip("'\"")) >= MIN_QUOTED_SECRET_LEN and "[REDACTED:" not in value
    return False  # numbers are counts and ids far more often than PINs

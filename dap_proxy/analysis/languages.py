"""The languages the analysis engine reads: file-extension detection, one cached tree-sitter
`Language`/`Parser` per language, and the `.scm` queries shipped as package data (STYLE.md 6)."""

from __future__ import annotations

import functools
import threading
from importlib import resources
from operator import attrgetter
from pathlib import PurePath

import tree_sitter as ts

PYTHON = "python"
JAVASCRIPT = "javascript"
TYPESCRIPT = "typescript"
TSX = "tsx"
LANGUAGES = (PYTHON, JAVASCRIPT, TYPESCRIPT, TSX)

EXTENSIONS: dict[str, str] = {
    ".py": PYTHON,
    ".pyi": PYTHON,
    ".pyw": PYTHON,
    ".js": JAVASCRIPT,
    ".mjs": JAVASCRIPT,
    ".cjs": JAVASCRIPT,
    ".jsx": JAVASCRIPT,
    ".ts": TYPESCRIPT,
    ".mts": TYPESCRIPT,
    ".cts": TYPESCRIPT,
    ".tsx": TSX,
}

# The JavaScript query also compiles against both TypeScript grammars (they extend JavaScript's),
# so one file serves all three; a test keeps that true.
QUERY_FILES: dict[str, str] = {
    PYTHON: "python.scm",
    JAVASCRIPT: "ecmascript.scm",
    TYPESCRIPT: "ecmascript.scm",
    TSX: "ecmascript.scm",
}


class UnsupportedLanguage(ValueError):
    """Raised for a language name or file extension the engine does not read."""


def language_for_path(path: str | PurePath) -> str | None:
    """The language of a file by its extension, or None when the engine does not read it."""
    return EXTENSIONS.get(PurePath(path).suffix.lower())


def check_language(language: str) -> str:
    """Normalise a language name (`js`, `ts` accepted) or raise `UnsupportedLanguage`."""
    aliases = {"py": PYTHON, "js": JAVASCRIPT, "ts": TYPESCRIPT, "jsx": JAVASCRIPT}
    name = aliases.get(language.lower(), language.lower())
    if name not in LANGUAGES:
        raise UnsupportedLanguage(
            f"unsupported language {language!r}: use one of {', '.join(LANGUAGES)}"
        )
    return name


@functools.cache
def ts_language(language: str) -> ts.Language:
    """The tree-sitter grammar for a language (imported lazily: each wheel costs a little)."""
    name = check_language(language)
    if name == PYTHON:
        import tree_sitter_python as grammar

        return ts.Language(grammar.language())
    if name == JAVASCRIPT:
        import tree_sitter_javascript as grammar_js

        return ts.Language(grammar_js.language())
    import tree_sitter_typescript as grammar_ts

    if name == TYPESCRIPT:
        return ts.Language(grammar_ts.language_typescript())
    return ts.Language(grammar_ts.language_tsx())


def new_parser(language: str) -> ts.Parser:
    """A fresh parser (parsers keep state, so each caller that reparses incrementally owns one)."""
    return ts.Parser(ts_language(language))


_local = threading.local()


def shared_parser(language: str) -> ts.Parser:
    """This thread's parser for `language` (a parser keeps state between calls, so threads
    — the language server's workers, say — must not share one)."""
    parsers: dict[str, ts.Parser] | None = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    parser = parsers.get(language)
    if parser is None:
        parser = parsers[language] = new_parser(language)
    return parser


def query_source(filename: str) -> str:
    """The text of a query file shipped in `dap_proxy/analysis/queries/`."""
    return resources.files("dap_proxy.analysis").joinpath("queries", filename).read_text("utf-8")


def compile_query(language: str, source: str) -> ts.Query:
    """Compile query text; a bad query raises `tree_sitter.QueryError` naming row and column."""
    return ts.Query(ts_language(language), source)


# py-tree-sitter's `QueryCursor.captures` lists a capture's nodes in an order that varies from
# run to run (tree-sitter/py-tree-sitter#450); what the engine derives depends on that order
# (the last import of a name wins, facts on one line keep their capture order), so the nodes
# are put back in document order: by start byte, then end byte (an outer node that starts
# with its first child comes after it), ties kept in the order given. Two stable sorts, by end
# and then by start, give that order; cheaper than one sort on a pair of keys made per node.
_BY_START = attrgetter("start_byte")
_BY_END = attrgetter("end_byte")


def captures(
    query: ts.Query, node: ts.Node, byte_range: tuple[int, int] | None = None
) -> dict[str, list[ts.Node]]:
    """`QueryCursor(query).captures(node)`, each capture's nodes in document order."""
    cursor = ts.QueryCursor(query)
    if byte_range is not None:
        cursor.set_byte_range(*byte_range)
    found = cursor.captures(node)
    for nodes in found.values():
        nodes.sort(key=_BY_END)
        nodes.sort(key=_BY_START)
    return found


@functools.cache
def facts_query(language: str) -> ts.Query:
    """The one combined query the whole-file pass runs (once per file)."""
    name = check_language(language)
    return compile_query(name, query_source(QUERY_FILES[name]))

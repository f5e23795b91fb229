"""Entry points of the whole-file pass: `analyze_source` (pure, over bytes) and `analyze_file`
(with a cache keyed by content hash, reparsing incrementally after an edit). Binary and huge
files are refused with a reason instead of being parsed."""

from __future__ import annotations

import ast
import hashlib
import os
from collections import OrderedDict
from pathlib import Path

from dap_proxy.analysis.boundaries import BoundaryConfig, default_boundaries
from dap_proxy.analysis.facts import extract
from dap_proxy.analysis.incremental import diff, edit_tree, reanalyze
from dap_proxy.analysis.languages import check_language, language_for_path, shared_parser
from dap_proxy.analysis.models import FileAnalysis

# Larger files are refused (generated bundles, data dumps): configurable per call or with the
# SMART_DEBUG_MAX_FILE_BYTES environment variable.
DEFAULT_MAX_BYTES = int(os.environ.get("SMART_DEBUG_MAX_FILE_BYTES", 2_000_000))
BINARY_SNIFF_BYTES = 8192
CACHE_SIZE = 512


class AnalysisError(Exception):
    """A file could not be analysed; the message says why and what to do."""


_cache: OrderedDict[str, FileAnalysis] = OrderedDict()


def content_hash(source: bytes) -> str:
    return hashlib.blake2b(source, digest_size=16).hexdigest()


def refusal(source: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """Why these bytes should not be parsed, or None when they are fine."""
    if len(source) > max_bytes:
        return (
            f"file too large to analyse ({len(source):,} bytes > limit {max_bytes:,}); "
            "raise SMART_DEBUG_MAX_FILE_BYTES to include it"
        )
    if b"\0" in source[:BINARY_SNIFF_BYTES]:
        return "binary file (contains NUL bytes): not source code"
    return None


def line_count(source: bytes) -> int:
    return source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)


def analyze_source(
    source: bytes,
    path: str,
    language: str | None = None,
    *,
    boundaries: BoundaryConfig | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    previous: FileAnalysis | None = None,
    lazy_facts: bool = False,
) -> FileAnalysis:
    """Analyse one file's bytes: its facts (entry points, decisions, mutations, boundaries,
    error handling, loops, recursion, returns) and its functions with their line ranges.

    `language` defaults to the one of `path`'s extension (`AnalysisError` if unknown).
    `boundaries` extends the default boundary table. Pass the `previous` analysis of the same
    file to reparse incrementally. Binary or larger-than-`max_bytes` input gives an analysis
    with `refused` set and no facts. Invalid UTF-8 and syntax errors are tolerated: the parts
    that parse still yield facts, and `syntax_error_lines` says where recovery happened.

    `lazy_facts` leaves each `Fact` to be built when it is read: `facts` builds them all on
    first read, and `analysis.pending` (`pending.PendingFacts`) gives some of them, or counts
    them, without building the rest (what the whole-file probes and `analyze`'s report do)."""
    if language is None:
        language = language_for_path(path)
        if language is None:
            raise AnalysisError(
                f"{path}: not a Python, JavaScript or TypeScript file (by extension); "
                "pass language= to analyse it anyway"
            )
    language = check_language(language)
    digest = content_hash(source)
    reason = refusal(source, max_bytes)
    if reason is not None:
        return FileAnalysis(path=path, language=language, content_hash=digest, refused=reason)
    parser = shared_parser(language)
    config = default_boundaries(language)
    if boundaries is not None:
        config = config.merged(boundaries)
    reusable = (
        previous is not None
        and previous._tree is not None
        and previous.language == language
        and previous.refused is None
    )
    if reusable and previous is not None:
        edit = diff(previous._source, source)
        tree = parser.parse(source, edit_tree(previous._tree, previous._source, source, edit))
        if boundaries is None and previous._default_boundaries and previous.path == path:
            region = reanalyze(previous, source, tree, edit, config, digest)
            if region is not None:
                return region
    else:
        tree = parser.parse(source)
    result = extract(tree, source, path, language, config)
    # Every field given: a default factory left to model_construct costs more than the pass.
    analysis = FileAnalysis.model_construct(
        path=path,
        language=language,
        content_hash=digest,
        line_count=line_count(source),
        facts=None if lazy_facts else result.facts,
        functions=result.functions,
        syntax_error_lines=result.syntax_error_lines,
        refused=None,
    )
    if lazy_facts:  # built on first read of `facts` (FileAnalysis.__getattr__)
        del analysis.__dict__["facts"]
        analysis.__pydantic_fields_set__.discard("facts")
    # model_construct skips __init__, which is what sets up private attributes.
    analysis.__pydantic_private__ = {
        "_tree": tree,
        "_source": source,
        "_function_spans": result.function_spans,
        "_aliases": result.aliases,
        "_default_boundaries": boundaries is None,
        "_cache": {},
        "_pending": result.pending,
    }
    return analysis


def read_source(path: str | Path) -> bytes:
    """The bytes of a file, or `AnalysisError` with a message a person can act on."""
    file = Path(path)
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise AnalysisError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AnalysisError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise AnalysisError(f"{path}: permission denied (cannot read it)") from None
    except OSError as error:
        raise AnalysisError(f"{path}: cannot read ({error.strerror or error})") from None


def source_line(path: str | Path, line: int) -> str:
    """One line (1-based) of a file as text, "" when the file or the line is not there."""
    try:
        lines = read_source(path).decode("utf-8", errors="replace").splitlines()
    except AnalysisError:
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


def branch_body_line(path: str | Path, line: int) -> int | None:
    """The first line of the body that the `if` / `elif` / `while` on `line` guards (Python),
    else None: where a probe sees whether that branch was taken."""
    try:
        tree = ast.parse(read_source(path))
    except (AnalysisError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.While) and node.lineno == line and node.body:
            return node.body[0].lineno
    return None


def analyze_file(
    path: str | Path,
    language: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    cache: bool = True,
    lazy_facts: bool = False,
) -> FileAnalysis:
    """`analyze_source` on a file, cached by content hash: an unchanged file is not reparsed,
    an edited one is reparsed incrementally from its previous tree. Raises `AnalysisError`
    for unreadable or unsupported files. `cache=False` neither reads nor fills the cache: a
    single pass over a whole tree would only fill memory with trees it never reads again (and
    every object kept alive makes each full garbage collection longer). `lazy_facts` is
    `analyze_source`'s (with the cache, a cached analysis is returned as it was made)."""
    if not cache:
        source = read_source(path)
        return analyze_source(
            source, str(path), language, max_bytes=max_bytes, lazy_facts=lazy_facts
        )
    # The spelling is part of the key: facts and probes carry the path as the caller gave it.
    key = f"{Path(path).resolve()}\0{path}"
    source = read_source(path)
    previous = _cache.get(key)
    if previous is not None and previous.content_hash == content_hash(source):
        _cache.move_to_end(key)
        return previous
    analysis = analyze_source(
        source, str(path), language, max_bytes=max_bytes, previous=previous, lazy_facts=lazy_facts
    )
    _cache[key] = analysis
    _cache.move_to_end(key)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return analysis


def clear_cache() -> None:
    _cache.clear()

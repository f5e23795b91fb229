"""Failure context -> ranked candidate probes (brief: "critical path analysis" and "data flow
breakpoints"). From the frames of a failure, a failing test, or just a file and function, it
proposes logpoints, conditional, hit-count and plain breakpoints, each with the facts that
justify it and a score, best first. Every expression it emits parses in the file's language
and reads only names bound at the probe's line (see `expressions.py`)."""

from __future__ import annotations

import heapq
from collections.abc import Container, Iterable, Sequence
from pathlib import Path

from dap_proxy.analysis.dataflow import (
    FunctionFlow,
    backward_slice,
    bound_names,
    find_function,
    flow_of,
    frozen_code_names,
    function_at,
    parameters_of,
    scope_test,
)
from dap_proxy.analysis.engine import AnalysisError, analyze_file, analyze_source
from dap_proxy.analysis.expressions import (
    expression_names,
    expression_parses,
    log_message,
    negate,
    safe_condition,
)
from dap_proxy.analysis.languages import PYTHON, language_for_path
from dap_proxy.analysis.models import (
    Fact,
    FactKind,
    FileAnalysis,
    Frame,
    FunctionInfo,
    ParsedFailure,
    Probe,
    ProbeKind,
)
from dap_proxy.analysis.nodes import new_logpoint
from dap_proxy.analysis.pending import PendingFacts, fact_index

MAX_EXPRESSIONS = 6  # per log message: more is noise in the debug console
CALLER_DECAY = 0.8  # each frame further from the crash counts this much less
SLICE_PROBES = 4  # logpoints on the backward slice of the failing line
_SELF_NAMES = {"self", "cls", "this"}

# Base scores, before the frame weight: what a person debugging would try first.
SCORE_CRASH_LOGPOINT = 0.95
SCORE_CRASH_BREAKPOINT = 0.9
SCORE_ENTRY = 0.85
SCORE_GUARD = 0.8
SCORE_CALLER = 0.75
SCORE_ASSERT = 0.8
SCORE_SLICE = 0.7
SCORE_LOOP = 0.6
SCORE_RECURSION = 0.55
SCORE_DEPTH = 0.78  # the traceback itself shows the recursion
# Whole-file mode (no failure): static priors only, so lower.
SCORE_STATIC_ENTRY = 0.5
SCORE_STATIC_BOUNDARY = 0.45
SCORE_STATIC_DECISION = 0.4
SCORE_STATIC_ERROR = 0.4
SCORE_STATIC_RETURN = 0.35
SCORE_STATIC_ARITHMETIC = 0.38


def facts_in_lines(analysis: FileAnalysis, start: int, end: int) -> list[Fact]:
    """Facts that start within lines `start..end` (inclusive), in line order."""
    if start == end:  # the common question: without building the facts of other lines
        return fact_index(analysis).at_line(start)
    return [f for f in analysis.facts if start <= f.start_line <= end]


def _at(analysis: FileAnalysis, line: int, *kinds: FactKind) -> list[Fact]:
    index = fact_index(analysis)
    return [index.fact(i) for i in index.indexes_at(line) if not kinds or index.kind(i) in kinds]


def _readable(
    analysis: FileAnalysis, flow: FunctionFlow, line: int, scope: Container[str]
) -> list[str]:
    """Expressions worth printing at `line`: the names the statement reads that are in scope
    (not merely called), then `a.b` paths rooted at them. Each one parses."""
    called = flow.calls_on_line.get(line, set())
    skipped = frozen_code_names(analysis, line)
    names = [
        n
        for n in sorted(flow.uses.get(line, set()))
        if n in scope and n not in called and n not in skipped
    ]
    out = [n for n in names if n not in _SELF_NAMES]
    for path in flow.paths.get(line, []):
        root = path.split(".")[0]
        if root in scope and path not in out and root not in called and root not in skipped:
            out.append(path)
    if not out:
        out = [n for n in names if n in _SELF_NAMES]
    return [e for e in out if expression_parses(e, analysis.language)][:MAX_EXPRESSIONS]


def _label(function: FunctionInfo | None, line: int) -> str:
    return f"[smart-debug] {function.qualname if function else '<module>'}:{line}"


def _logpoint(
    analysis: FileAnalysis,
    line: int,
    exprs: list[str],
    score: float,
    reason: str,
    facts: list[Fact],
) -> Probe:
    return new_logpoint(
        analysis.path,
        line,
        log_message(_label(function_at(analysis, line), line), exprs),
        reason,
        facts,
        round(min(score, 1.0), 4),
    )


def probes_at_line(analysis: FileAnalysis, line: int, weight: float = 1.0) -> list[Probe]:
    """Probes around a failing line: a logpoint just before it printing what it reads, one at
    the function's entry printing the parameters, a conditional breakpoint on the decision
    that leads to it, logpoints on the mutations in its backward slice, and a hit-count
    breakpoint when the function recurses."""
    function = function_at(analysis, line)
    flow = flow_of(analysis, function)
    statement = line if line in flow.controls else _statement(flow, line)
    scope = scope_test(analysis, statement)
    probes: list[Probe] = []
    exprs = _readable(analysis, flow, statement, scope)
    here = _at(analysis, statement)
    if exprs:
        probes.append(
            _logpoint(
                analysis,
                statement,
                exprs,
                SCORE_CRASH_LOGPOINT * weight,
                "just before the failing line: the values it reads",
                here,
            )
        )
    else:
        probes.append(
            Probe(
                kind=ProbeKind.BREAKPOINT,
                file=analysis.path,
                line=statement,
                reason="the failing line (it reads no local value to print)",
                facts=here,
                score=round(SCORE_CRASH_BREAKPOINT * weight, 4),
            )
        )
    if function is not None:
        probes.extend(
            _entry_probe(analysis, function, flow.parameters, SCORE_ENTRY * weight, statement)
        )
    probes.extend(_guard_probe(analysis, flow, statement, weight))
    probes.extend(_slice_probes(analysis, flow, statement, weight))
    if function is not None:
        recursion = [f for f in analysis.facts if f.kind == FactKind.RECURSION]
        recursion = [f for f in recursion if f.function == function.qualname]
        # On the recursive call itself (the entry line is taken by the entry logpoint).
        call_line = recursion[0].start_line if recursion else statement
        if recursion and call_line != statement:
            probes.append(
                Probe(
                    kind=ProbeKind.HIT_COUNT,
                    file=analysis.path,
                    line=call_line,
                    hit_condition=">=2",
                    reason=f"{function.qualname} calls itself: stop at the recursive call from "
                    "its second run on (one level deep)",
                    facts=recursion,
                    score=round(SCORE_RECURSION * weight, 4),
                )
            )
    return probes


def _statement(flow: FunctionFlow, line: int) -> int:
    candidates = [n for n in flow.controls if n <= line]
    return max(candidates) if candidates else line


def _entry_probe(
    analysis: FileAnalysis, function: FunctionInfo, parameters: list[str], score: float, avoid: int
) -> list[Probe]:
    params = [p for p in parameters if p not in _SELF_NAMES] or list(parameters)
    params = [p for p in params if expression_parses(p, analysis.language)][:MAX_EXPRESSIONS]
    if not params or function.body_line == avoid:
        return []
    # A callback whose body shares its line with the code around it: a logpoint there would
    # also fire in the outer frame, where the parameters are not bound.
    if function_at(analysis, function.body_line) != function:
        return []
    entry = _at(analysis, function.start_line, FactKind.ENTRY)
    return [
        _logpoint(
            analysis,
            function.body_line,
            params,
            score,
            f"entry of {function.qualname}: the arguments it was called with",
            entry,
        )
    ]


def _guard_probe(
    analysis: FileAnalysis, flow: FunctionFlow, line: int, weight: float
) -> list[Probe]:
    """The innermost decision deciding whether `line` runs, as a conditional breakpoint whose
    condition is the branch that leads there (a logpoint when that is not a safe condition)."""
    controls = flow.controls.get(line, ())
    if not controls:
        return []
    header = controls[-1]
    language = analysis.language
    condition: str | None = None
    if header in flow.else_of:
        # No line event fires on `else:`, so the probe goes on the `if` line, with the
        # condition that every earlier test fails.
        negated = [flow.conditions[h] for h in flow.else_of[header] if h in flow.conditions]
        header = flow.else_of[header][0]
        if negated:
            parts = [negate(c, language) for c in negated]
            joiner = " and " if language == PYTHON else " && "
            condition = joiner.join(parts)
    elif header in flow.conditions:
        condition = flow.conditions[header]
        if header in flow.exit_guards and not _inside(flow, header, line):
            condition = negate(condition, language)
    facts = _at(analysis, header, FactKind.DECISION, FactKind.LOOP)
    loop = any(h == header for h, _, _ in flow.loops)
    if condition is not None and not loop:
        bound = bound_names(analysis, header)
        if expression_parses(condition, language) and safe_condition(condition, language, bound):
            return [
                Probe(
                    kind=ProbeKind.CONDITIONAL,
                    file=analysis.path,
                    line=header,
                    condition=condition,
                    reason="the decision that leads to the failing line: stop when it takes "
                    "that branch",
                    facts=facts,
                    score=round(SCORE_GUARD * weight, 4),
                )
            ]
    scope = scope_test(analysis, header)
    exprs = _readable(analysis, flow, header, scope)
    if condition is not None:
        exprs = [e for e in exprs if e in expression_names(condition, language) or "." in e]
        exprs = exprs or _readable(analysis, flow, header, scope)
    if not exprs:
        return []
    reason = (
        "the loop around the failing line: its state on each iteration"
        if loop
        else "the decision that leads to the failing line: the values it tests"
    )
    score = (SCORE_LOOP if loop else SCORE_GUARD - 0.1) * weight
    return [_logpoint(analysis, header, exprs, score, reason, facts)]


def _inside(flow: FunctionFlow, header: int, line: int) -> bool:
    """Is `line` inside the consequence of the `if` at `header` (rather than after it)?"""
    return header <= line <= flow.if_end.get(header, header)


def _slice_probes(
    analysis: FileAnalysis, flow: FunctionFlow, line: int, weight: float
) -> list[Probe]:
    """Logpoints on the assignments and mutations whose values flow into `line`, nearest
    first."""
    lines = [s for s in backward_slice(analysis, line) if s < line and s != flow.start_line]
    defining = {d.line: d for d in flow.defs}
    candidates = [s for s in reversed(lines) if s in defining]
    probes: list[Probe] = []
    for rank, target in enumerate(candidates[:SLICE_PROBES]):
        scope = scope_test(analysis, target)
        exprs = _readable(analysis, flow, target, scope)
        if not exprs:
            continue
        defined = sorted({d.name for d in flow.defs if d.line == target})
        facts = _at(analysis, target, FactKind.MUTATION) or [
            Fact(
                file=analysis.path,
                start_line=target,
                end_line=target,
                kind=FactKind.ASSIGNMENT,
                reason=f"assigns {', '.join(defined)}",
                function=flow.qualname if flow.qualname != "<module>" else None,
                names=defined,
            )
        ]
        probes.append(
            _logpoint(
                analysis,
                target,
                exprs,
                (SCORE_SLICE - 0.05 * rank) * weight,
                f"sets {', '.join(defined)}, which flows into the failing line (backward slice)",
                facts,
            )
        )
    return probes


def probes_for_caller(analysis: FileAnalysis, line: int, weight: float) -> list[Probe]:
    """A logpoint on a call site in an outer frame printing the values it passes down."""
    function = function_at(analysis, line)
    flow = flow_of(analysis, function)
    statement = line if line in flow.controls else _statement(flow, line)
    exprs = _readable(analysis, flow, statement, scope_test(analysis, statement))
    if not exprs:
        return []
    return [
        _logpoint(
            analysis,
            statement,
            exprs,
            SCORE_CALLER * weight,
            "call site on the failing path: the values passed down",
            _at(analysis, statement),
        )
    ]


_STATIC_PRIORS = {
    FactKind.BOUNDARY: (SCORE_STATIC_BOUNDARY, "external call: the values sent out"),
    FactKind.DECISION: (SCORE_STATIC_DECISION, "decision node: the values it tests"),
    FactKind.ERROR_HANDLING: (SCORE_STATIC_ERROR, "error handling: the state it sees"),
    FactKind.RETURN: (SCORE_STATIC_RETURN, "return: the values it returns from"),
    FactKind.ARITHMETIC: (SCORE_STATIC_ARITHMETIC, "arithmetic: its operands"),
}


# The kinds as a tuple, and the weights by the kinds' identities: a dict lookup by a `FactKind`
# calls Enum's `__hash__`, written in Python, and these are asked once per fact of a file.
_PRIOR_KINDS = tuple(_STATIC_PRIORS)


class _Candidate:
    """A static probe before its expressions are read (reading them is the costly part: it
    walks the function's data flow), and before its facts are built (`fact_ids` in `index`;
    an entry probe has its own, and needs only the parameters)."""

    def __init__(self, score: float, line: int, reason: str, index: PendingFacts,
                 fact_ids: list[int], function: FunctionInfo, entry: Probe | None = None) -> None:  # fmt: skip
        self.score, self.line, self.reason = score, line, reason
        self.index, self.fact_ids = index, fact_ids
        self.function, self.entry = function, entry
        self._probe: Probe | None = entry
        self._read = entry is not None

    def probe(self, analysis: FileAnalysis) -> Probe | None:
        if not self._read:
            self._read = True
            flow = flow_of(analysis, self.function)
            # Only statement lines: a probe on a continuation line may never fire.
            if self.line not in flow.controls:
                return None
            exprs = _readable(analysis, flow, self.line, scope_test(analysis, self.line))
            if exprs:
                facts = [self.index.fact(i) for i in self.fact_ids]
                self._probe = _logpoint(analysis, self.line, exprs, self.score, self.reason, facts)
        return self._probe


def _complexity(index: PendingFacts) -> dict[str, float]:
    """Each function's weight of facts (`_COMPLEXITY`), the functions in the order of their
    first fact; summed in the facts' order, so equal totals rank as they always did. From the
    facts' records: no fact is built."""
    complexity: dict[str, float] = {}
    weight = _COMPLEXITY_BY_ID.get
    records = index.records
    for function, ids in index.by_function().items():
        if function is not None:
            total = 0.0
            for i in ids:
                total += weight(id(records[i][2]), 0.0)
            complexity[function] = total
    return complexity


def _static_candidates(
    analysis: FileAnalysis, function: FunctionInfo, weight: float
) -> list[_Candidate]:
    """The entry parameters, then one candidate per line holding a decision, boundary call,
    error handling, assertion or return of one function, by static priors (a line that starts
    no statement gives no probe when read). Nothing here walks the function's data flow."""
    index = fact_index(analysis)
    parameters = parameters_of(analysis, function)
    found = [
        _Candidate(entry.score, entry.line, entry.reason, index, [], function, entry)
        for entry in _entry_probe(analysis, function, parameters, SCORE_STATIC_ENTRY * weight, -1)
    ]
    records = index.records
    by_line: dict[int, list[int]] = {}
    for i in index.by_function().get(function.qualname, ()):
        record = records[i]
        # (A line that is not a statement's gives no probe: `_Candidate.probe` tells.)
        if record[2] in _PRIOR_KINDS:
            by_line.setdefault(record[0], []).append(i)
    for line, ids in by_line.items():
        # The strongest prior names the probe; every fact on the line justifies it.
        ranked = [
            (SCORE_ASSERT, "assertion: the values it checks")
            if records[i][3] == "assertion"
            else _STATIC_PRIORS[records[i][2]]
            for i in ids
        ]
        base, reason = max(ranked)
        score = round(min(base * weight, 1.0), 4)
        found.append(_Candidate(score, line, reason, index, ids, function))
    return found


def probes_for_function(
    analysis: FileAnalysis, function: FunctionInfo, weight: float = 1.0
) -> list[Probe]:
    """Without a failure: the entry parameters, and the decisions, boundary calls, error
    handling, assertions and returns of one function, by static priors."""
    probes = (c.probe(analysis) for c in _static_candidates(analysis, function, weight))
    return [p for p in probes if p is not None]


class _Threshold:
    """The score a probe must reach to enter the top `limit` lines of the candidates given so
    far (-1 while fewer lines have a probe): the `limit`-th best of each line's best probe.
    Kept as candidates come, function by function, rather than worked out again over all of
    them: it only rises, so a candidate that scores below it once never matters again, and
    its expressions are never read here."""

    def __init__(self, analysis: FileAnalysis, limit: int) -> None:
        self.analysis, self.limit = analysis, limit
        self.best: dict[int, float] = {}  # line -> the score of its best probe
        self.value = -1.0
        self._unread: list[_Candidate] = []

    def add(self, candidates: list[_Candidate]) -> None:
        self._unread += candidates

    def current(self) -> float:
        """The threshold over every candidate added (read only as far as it needs)."""
        best, limit = self.best, self.limit
        for candidate in sorted(self._unread, key=lambda c: -c.score):
            if len(best) >= limit and candidate.score < self.value:
                break  # nor can any after it: they score no more
            known = best.get(candidate.line)
            if known is not None and candidate.score <= known:
                continue
            probe = candidate.probe(self.analysis)
            if probe is not None and (known is None or probe.score > known):
                best[candidate.line] = probe.score
                if len(best) >= limit:
                    self.value = sorted(best.values())[-limit]
        self._unread = []
        return self.value


def _top_static(analysis: FileAnalysis, candidates: list[_Candidate], limit: int) -> list[Probe]:
    """`_best_per_line(all probes)[:limit]`, reading expressions only where the result needs
    them: candidates are tried best first (encounter order on ties), and once `limit` lines
    are decided, nothing scoring lower can enter."""
    order = sorted(range(len(candidates)), key=lambda i: (-candidates[i].score, i))
    best: dict[int, Probe] = {}
    decided: list[float] = []  # the `limit` best scores decided, a heap: the lowest first
    for index in order:
        candidate = candidates[index]
        if len(decided) >= limit and candidate.score < decided[0]:
            break
        if candidate.line in best:
            continue
        probe = candidate.probe(analysis)
        if probe is not None:
            best[candidate.line] = probe
            if len(decided) < limit:
                heapq.heappush(decided, probe.score)
            else:
                heapq.heappushpop(decided, probe.score)
    # the lines kept: their other probes' facts are merged in, as _best_per_line does
    kept = sorted(best.values(), key=lambda p: (-p.score, p.file, p.line))[:limit]
    lines = {p.line for p in kept}
    probes: list[Probe] = []
    for index in sorted(i for i in range(len(candidates)) if candidates[i].line in lines):
        probe = candidates[index].probe(analysis)
        if probe is not None:
            probes.append(probe)
    return _best_per_line(probes)[:limit]


def _best_per_line(probes: Iterable[Probe]) -> list[Probe]:
    """One probe per (file, line) — a source can hold only one breakpoint per line — the best
    scoring, its facts merged with the others'."""
    best: dict[tuple[str, int], Probe] = {}
    for probe in probes:
        key = (probe.file, probe.line)
        current = best.get(key)
        if current is None or probe.score > current.score:
            if current is not None:
                probe = probe.model_copy(update={"facts": _merge(probe.facts, current.facts)})
            best[key] = probe
        else:
            best[key] = current.model_copy(update={"facts": _merge(current.facts, probe.facts)})
    return sorted(best.values(), key=lambda p: (-p.score, p.file, p.line))


def _merge(first: list[Fact], second: list[Fact]) -> list[Fact]:
    out = list(first)
    for fact in second:
        if fact not in out:
            out.append(fact)
    return out


def _resolve(path: str, workspace: Path | None) -> Path | None:
    candidate = Path(path)
    if not candidate.is_absolute() and workspace is not None:
        candidate = workspace / candidate
    return candidate if candidate.is_file() and language_for_path(candidate) else None


def _analysis(path: Path) -> FileAnalysis | None:
    try:
        analysis = analyze_file(path)
    except AnalysisError:
        return None
    return analysis if analysis.refused is None else None


def candidate_probes(
    failure: ParsedFailure | None = None,
    paths: Sequence[str | Path] = (),
    *,
    function: str | None = None,
    line: int | None = None,
    workspace: str | Path | None = None,
    limit: int = 10,
) -> list[Probe]:
    """Ranked candidate probes, best first, at most `limit`, one per (file, line).

    - With a `failure`: its final exception's user frames (library frames are skipped; each
      frame's `workspace_path`, else its `file` resolved against `workspace`): the innermost
      gets crash probes (`probes_at_line`), the outer ones call-site logpoints, weighted down
      with distance. Failing tests with no frames get probes on their assertions.
    - With `paths` and `function` (and optionally `line`): probes for that function (and that
      line). With `paths` alone: the whole-file mode, `probes_for_file` on each.
    Unreadable, unsupported or refused files are skipped."""
    root = Path(workspace) if workspace is not None else None
    probes: list[Probe] = []
    if failure is not None:
        probes.extend(_failure_probes(failure, root))
    for raw in paths:
        path = _resolve(str(raw), root)
        analysis = _analysis(path) if path is not None else None
        if analysis is None or path is None:
            continue
        if line is not None:
            probes.extend(probes_at_line(analysis, line))
        if function is not None:
            info = find_function(analysis, function, line)
            if info is not None:
                probes.extend(probes_for_function(analysis, info))
        elif line is None:
            probes.extend(probes_for_file(path, limit))
    return _best_per_line(probes)[:limit]


def recursion_depth(frames: Sequence[Frame], innermost: Frame) -> int:
    """How many times the innermost frame's function is on the stack, counting the
    "[Previous line repeated N more times]" lines the traceback folded away."""
    same = [
        f
        for f in frames
        if (f.workspace_path or f.file) == (innermost.workspace_path or innermost.file)
        and f.function == innermost.function
    ]
    return len(same) + sum(f.repeated for f in same)


def _depth_probe(analysis: FileAnalysis, line: int, depth: int) -> list[Probe]:
    """A hit-count breakpoint that stops a couple of levels above the depth that failed."""
    function = function_at(analysis, line)
    if function is None or depth < 3:
        return []
    recursion = [
        f
        for f in analysis.facts
        if f.kind == FactKind.RECURSION and f.function == function.qualname
    ]
    target = recursion[0].start_line if recursion else function.body_line
    if target == line:
        target = function.body_line
    return [
        Probe(
            kind=ProbeKind.HIT_COUNT,
            file=analysis.path,
            line=target,
            hit_condition=f">={max(2, depth - 2)}",
            reason=f"{function.qualname} is {depth} calls deep in the traceback: stop two "
            "levels above the failing depth",
            facts=recursion,
            score=round(SCORE_DEPTH, 4),
        )
    ]


RELOCATE_WINDOW = 20  # lines: how far an edited file may have moved a traceback's line


def frame_line(analysis: FileAnalysis, frame: Frame) -> int | None:
    """The frame's line in the file as it is now: when the traceback shows the code and the
    file was edited since, the nearest line with that code (None if it is gone)."""
    if frame.line is None:
        return None
    code = " ".join((frame.code or "").split())
    if not code:
        return frame.line
    # split("\n"), not splitlines(): form feeds and the like are not line breaks to Python.
    lines = analysis._source.decode("utf-8", "replace").split("\n")

    def same(number: int) -> bool:
        return 0 < number <= len(lines) and " ".join(lines[number - 1].split()) == code

    if same(frame.line):
        return frame.line
    for distance in range(1, RELOCATE_WINDOW + 1):
        for number in (frame.line - distance, frame.line + distance):
            if same(number):
                return number
    # Traceback code can be a statement's first line only, or trimmed: keep the line.
    return frame.line


def _failure_probes(failure: ParsedFailure, workspace: Path | None) -> list[Probe]:
    probes: list[Probe] = []
    frames = [f for f in failure.frames if not f.is_library and f.line is not None]
    weight = 1.0
    crash = True
    for frame in reversed(frames):  # innermost first
        path = _resolve(frame.workspace_path or frame.file, workspace)
        analysis = _analysis(path) if path is not None else None
        line = frame_line(analysis, frame) if analysis is not None else None
        if analysis is None or line is None:
            continue
        if crash:
            probes.extend(probes_at_line(analysis, line, weight))
            probes.extend(_depth_probe(analysis, line, recursion_depth(frames, frame)))
            crash = False
        else:
            probes.extend(probes_for_caller(analysis, line, weight))
        weight *= CALLER_DECAY
    if not probes:
        for test in failure.failing_tests:
            file, _, rest = test.partition("::")
            path = _resolve(file, workspace)
            analysis = _analysis(path) if path is not None else None
            name = rest.split("::")[-1].split("[")[0] if rest else ""
            info = find_function(analysis, name) if analysis is not None and name else None
            if analysis is not None and info is not None:
                probes.extend(probes_for_function(analysis, info, weight=1.0))
    return probes


def probes_for_file(path: str | Path, limit: int = 5) -> list[Probe]:
    """Whole-file mode: the top `limit` probes of one file with no failure to go on, from the
    functions with the most decisions, boundaries, error handling and recursion."""
    analysis = _analysis(Path(path))
    return [] if analysis is None else whole_file_probes(analysis, limit)


def probes_for_source(text: str | bytes, path: str, limit: int = 5) -> list[Probe]:
    """`probes_for_file` on unsaved text (an editor's buffer) given as the contents of `path`,
    whose extension picks the language. Binary, oversized or unsupported text gets none."""
    source = text.encode("utf-8", "replace") if isinstance(text, str) else text
    try:
        analysis = analyze_source(source, path, lazy_facts=True)
    except AnalysisError:
        return []
    return [] if analysis.refused is not None else whole_file_probes(analysis, limit)


# How much each kind of fact makes a function worth probing when there is no failure to go on.
_COMPLEXITY = {
    FactKind.DECISION: 1.0,
    FactKind.BOUNDARY: 2.0,
    FactKind.ERROR_HANDLING: 1.5,
    FactKind.RECURSION: 2.0,
    FactKind.MUTATION: 0.5,
    FactKind.LOOP: 1.0,
}
_COMPLEXITY_BY_ID = {id(kind): weight for kind, weight in _COMPLEXITY.items()}


def whole_file_probes(analysis: FileAnalysis, limit: int) -> list[Probe]:
    """`probes_for_file` on an analysis at hand (not refused)."""
    index = fact_index(analysis)
    complexity = _complexity(index)
    if not complexity:
        return []
    top = max(complexity.values()) or 1.0
    ranked = sorted(complexity.items(), key=lambda item: -item[1])[: max(limit, 3)]
    by_name = {f.qualname: f for f in analysis.functions}
    candidates: list[_Candidate] = []
    threshold = _Threshold(analysis, limit)
    for qualname, value in ranked:
        info = by_name.get(qualname)
        if info is None:
            continue
        weight = 0.5 + 0.5 * value / top
        # the best this function could give: its data flow is walked only if that can enter
        records = [index.records[i] for i in index.by_function().get(qualname, ())]
        priors = [SCORE_ASSERT if r[3] == "assertion" else _STATIC_PRIORS[r[2]][0]
                  for r in records if r[2] in _PRIOR_KINDS]  # fmt: skip
        bound = round(min(max([SCORE_STATIC_ENTRY, *priors]) * weight, 1.0), 4)
        if candidates and bound < threshold.current():
            continue
        found = _static_candidates(analysis, info, weight)
        candidates += found
        threshold.add(found)
    return _top_static(analysis, candidates, limit)

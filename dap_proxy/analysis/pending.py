"""A file's facts before their `Fact` models are built. The whole-file pass finds every fact
(its lines, kind, reason and enclosing function) from the query's captures; decoding each one's
line of text, reading the identifiers of its code and building the model is most of the pass's
Python time, and most readers need few of them: the whole-file probes (code lenses, `analyze`)
read the facts of the few functions they rank first and count the rest. So the records are
kept, and a fact is built when it is first read, the same model the whole list would hold."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from operator import itemgetter

from dap_proxy.analysis.models import Fact, FactKind, FileAnalysis
from dap_proxy.analysis.nodes import FACT_FIELDS, Lines, identifiers, trusted

# (start_line, end_line, kind, reason, function, names, text_row, start_byte, end_byte): what
# a `Fact` holds, with `names` None for "the identifiers of the code in start_byte:end_byte"
# and its `text` read from the source row `text_row` (found from `start_byte`).
Record = tuple[int, int, FactKind, str, "str | None", "list[str] | None", int, int, int]
RECORD_LINES = itemgetter(0, 1)
_KIND_BY_ID = {id(kind): kind for kind in FactKind}


class PendingFacts:
    """One file's fact records in `FileAnalysis.facts` order (by start line, then end line,
    stable), and the facts built from them so far."""

    def __init__(self, records: list[Record], source: bytes, path: str, lines: Lines) -> None:
        self.records = records
        self.source = source
        self.path = path
        self.lines = lines
        self._built: list[Fact | None] = [None] * len(records)
        self._by_function: dict[str | None, list[int]] | None = None
        self._starts: list[int] | None = None  # each record's start line, for bisection
        self.everything: list[Fact] | None = None  # `all()` once asked

    def fact(self, index: int) -> Fact:
        built = self._built[index]
        if built is None:
            built = self._built[index] = self._build(self.records[index])
        return built

    def _build(self, record: Record) -> Fact:
        start, end, kind, reason, function, names, row, byte, end_byte = record
        return trusted(
            Fact,
            {
                "file": self.path,
                "start_line": start,
                "end_line": end,
                "kind": kind,
                "reason": reason,
                "function": function,
                "names": identifiers(self.source[byte:end_byte]) if names is None else [*names],
                "text": self.lines.text_at(row, byte),
            },
            FACT_FIELDS,
        )

    def all(self) -> list[Fact]:
        """Every fact, in order (the ones built already are reused)."""
        everything = self.everything
        if everything is None:
            built, build = self._built, self._build
            everything = [
                build(record) if made is None else made
                for made, record in zip(built, self.records, strict=True)
            ]
            self._built[:] = everything
            self.everything = everything
        return everything

    def by_function(self) -> dict[str | None, list[int]]:
        """Record indexes per enclosing function (None: module level), in order; the functions
        in the order of their first fact, as grouping `FileAnalysis.facts` gives them."""
        if self._by_function is None:
            index: dict[str | None, list[int]] = {}
            for position, record in enumerate(self.records):
                found = index.get(record[4])
                if found is None:
                    index[record[4]] = [position]
                else:
                    found.append(position)
            self._by_function = index
        return self._by_function

    def kind(self, index: int) -> FactKind:
        return self.records[index][2]

    def of_function(self, qualname: str | None) -> list[Fact]:
        return [self.fact(i) for i in self.by_function().get(qualname, ())]

    def at_line(self, line: int) -> list[Fact]:
        """The facts that start on `line`, in order."""
        return [self.fact(i) for i in self.indexes_at(line)]

    def indexes_at(self, line: int) -> range:
        if self._starts is None:
            self._starts = [record[0] for record in self.records]
        return range(bisect_left(self._starts, line), bisect_right(self._starts, line))

    def kind_counts(self) -> dict[FactKind, int]:
        """How many facts of each kind, the kinds in the order they first occur. Counted by
        the kinds' identities: hashing a `FactKind` calls Enum's `__hash__`, written in Python,
        once per fact."""
        kinds = [id(record[2]) for record in self.records]
        counts = Counter(kinds)
        return {_KIND_BY_ID[kind]: counts[kind] for kind in dict.fromkeys(kinds)}

    @classmethod
    def of_facts(cls, facts: list[Fact], source: bytes, path: str) -> PendingFacts:
        """Records of facts built already (an analysis made incrementally)."""
        records: list[Record] = [
            (f.start_line, f.end_line, f.kind, f.reason, f.function, f.names, 0, 0, 0)
            for f in facts
        ]
        pending = cls(records, source, path, Lines(source))
        pending._built = list(facts)
        pending.everything = facts
        return pending


def pending_of(analysis: FileAnalysis) -> PendingFacts | None:
    """The records behind `analysis.facts` when they are what it holds (an analysis made with
    `lazy_facts`, or without and not given other facts since), else None."""
    pending: PendingFacts | None = analysis.pending
    if pending is None:
        return None
    facts = analysis.__dict__.get("facts")
    return pending if facts is None or facts is pending.everything else None


def fact_index(analysis: FileAnalysis) -> PendingFacts:
    """`analysis`'s facts as records, to read by line or function, or to count, building only
    the facts asked for: its own records, else records of the facts it holds (kept)."""
    pending = pending_of(analysis)
    if pending is None:
        facts = analysis.facts
        pending = analysis.memo.get("fact_index")
        if pending is None or pending.everything is not facts:
            pending = PendingFacts.of_facts(facts, analysis._source, analysis.path)
            analysis.memo["fact_index"] = pending
    return pending

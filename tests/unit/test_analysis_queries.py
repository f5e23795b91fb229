"""Table tests for the `.scm` queries of the whole-file pass, per language (STYLE.md 6): each
row is a snippet and a fact (kind, reason, line) the query must yield; bad queries raise."""

from __future__ import annotations

import pytest
import tree_sitter as ts

from dap_proxy.analysis.engine import analyze_source
from dap_proxy.analysis.languages import (
    LANGUAGES,
    QUERY_FILES,
    compile_query,
    facts_query,
    query_source,
)
from dap_proxy.analysis.models import FactKind

K = FactKind

PYTHON_ROWS = [
    ("def f(x):\n    return x\n", K.ENTRY, "function f", 1),
    ("class C:\n    def m(self):\n        pass\n", K.ENTRY, "method C.m", 2),
    ("def test_sum():\n    assert 1\n", K.ENTRY, "test function test_sum", 1),
    ("@app.route('/x')\ndef view():\n    pass\n", K.ENTRY, "handler view (@app.route('/x'))", 2),
    ('if __name__ == "__main__":\n    main()\n', K.ENTRY, 'if __name__ == "__main__" block', 1),
    ("if a:\n    pass\n", K.DECISION, "if condition", 1),
    ("if a:\n    pass\nelif b:\n    pass\n", K.DECISION, "elif condition", 3),
    ("if a:\n    pass\nelse:\n    pass\n", K.DECISION, "else branch", 3),
    ("match x:\n    case 1:\n        pass\n", K.DECISION, "match subject", 1),
    ("match x:\n    case 1:\n        pass\n", K.DECISION, "case branch", 2),
    ("y = 1 if a else 2\n", K.DECISION, "conditional expression", 1),
    ("while n > 0:\n    n -= 1\n", K.DECISION, "loop condition", 1),
    ("ok = a and b\n", K.DECISION, "boolean short-circuit", 1),
    ("def f(a):\n    if a:\n        return 1\n    return 2\n", K.DECISION, "early return", 3),
    ("for i in xs:\n    pass\n", K.LOOP, "for loop", 1),
    ("while True:\n    break\n", K.LOOP, "while loop", 1),
    ("ys = [x for x in xs]\n", K.LOOP, "comprehension", 1),
    ("obj.attr = 1\n", K.MUTATION, "attribute assignment", 1),
    ("d[k] = 1\n", K.MUTATION, "item assignment", 1),
    ("a.x, b[0] = 1, 2\n", K.MUTATION, "attribute/item assignment by unpacking", 1),
    ("n += 1\n", K.MUTATION, "augmented assignment", 1),
    ("del d[k]\n", K.MUTATION, "deletion", 1),
    ("items.append(3)\n", K.MUTATION, "mutating call .append()", 1),
    ("cache.update(x)\n", K.MUTATION, "mutating call .update()", 1),
    (
        "G = 0\ndef f():\n    global G\n    G = 1\n",
        K.MUTATION,
        "assignment to global/nonlocal G",
        4,
    ),
    (
        "import subprocess\nsubprocess.run(['ls'])\n",
        K.BOUNDARY,
        "subprocess call subprocess.run()",
        2,
    ),
    (
        "import socket as s\ns.create_connection(a)\n",
        K.BOUNDARY,
        "network call s.create_connection()",
        2,
    ),
    ("from time import sleep\nsleep(1)\n", K.BOUNDARY, "time call sleep()", 2),
    ("import random\nrandom.random()\n", K.BOUNDARY, "randomness call random.random()", 2),
    (
        "import threading\nthreading.Thread(target=f)\n",
        K.BOUNDARY,
        "threading/concurrency call threading.Thread()",
        2,
    ),
    ("import sqlite3\nsqlite3.connect(p)\n", K.BOUNDARY, "database call sqlite3.connect()", 2),
    ("f = open(p)\n", K.BOUNDARY, "file I/O call open()", 1),
    ("import os\nos.path.exists(p)\n", K.BOUNDARY, "operating system call os.path.exists()", 2),
    ("try:\n    x()\nexcept E:\n    pass\n", K.ERROR_HANDLING, "try block", 1),
    ("try:\n    x()\nexcept E:\n    pass\n", K.ERROR_HANDLING, "except handler", 3),
    ("try:\n    x()\nfinally:\n    y()\n", K.ERROR_HANDLING, "finally block", 3),
    ("raise ValueError(1)\n", K.ERROR_HANDLING, "raise", 1),
    ("assert x > 0\n", K.ERROR_HANDLING, "assertion", 1),
    (
        "def f():\n    try:\n        g()\n    except E:\n        return -1\n",
        K.ERROR_HANDLING,
        "error return (return inside a handler)",
        5,
    ),
    ("def f(n):\n    return f(n - 1)\n", K.RECURSION, "recursive call: f calls itself", 2),
    (
        "class C:\n    def m(self):\n        self.m()\n",
        K.RECURSION,
        "recursive call: C.m calls itself",
        3,
    ),
    ("def f():\n    return 1\n", K.RETURN, "return", 2),
    ("r = a / b\n", K.ARITHMETIC, "division or modulo (divisor may be zero)", 1),
    ("r = a // b\n", K.ARITHMETIC, "division or modulo (divisor may be zero)", 1),
    ("r %= n\n", K.ARITHMETIC, "division or modulo (divisor may be zero)", 1),
    ("last = n - 1\n", K.ARITHMETIC, "+/- constant offset (off-by-one candidate)", 1),
]

ECMASCRIPT_ROWS = [
    ("function f(x) { return x; }\n", K.ENTRY, "function f", 1),
    ("class C {\n  m() {}\n}\n", K.ENTRY, "method C.m", 2),
    ("const f = (a) => a;\n", K.ENTRY, "function f", 1),
    ("app.get('/u', (req, res) => {});\n", K.ENTRY, "handler app.get('/u')", 1),
    ("it('adds', () => {});\n", K.ENTRY, "test adds", 1),
    ("if (a) {}\n", K.DECISION, "if condition", 1),
    ("if (a) {} else {}\n", K.DECISION, "else branch", 1),
    ("switch (x) { case 1: break; }\n", K.DECISION, "switch value", 1),
    ("switch (x) { case 1: break; }\n", K.DECISION, "case branch", 1),
    ("y = a ? 1 : 2;\n", K.DECISION, "conditional expression", 1),
    ("while (n > 0) { n--; }\n", K.DECISION, "loop condition", 1),
    ("ok = a && b;\n", K.DECISION, "boolean short-circuit", 1),
    ("z = a ?? b;\n", K.DECISION, "boolean short-circuit", 1),
    ("function f(a) {\n  if (a) return 1;\n  return 2;\n}\n", K.DECISION, "early return", 2),
    ("for (let i = 0; i < n; i++) {}\n", K.LOOP, "for loop", 1),
    ("for (const x of xs) {}\n", K.LOOP, "for-in/of loop", 1),
    ("do { x++; } while (x < 3);\n", K.LOOP, "do-while loop", 1),
    ("obj.attr = 1;\n", K.MUTATION, "attribute assignment", 1),
    ("d[k] = 1;\n", K.MUTATION, "item assignment", 1),
    ("n += 1;\n", K.MUTATION, "augmented assignment", 1),
    ("n++;\n", K.MUTATION, "increment/decrement", 1),
    ("delete d[k];\n", K.MUTATION, "deletion", 1),
    ("items.push(3);\n", K.MUTATION, "mutating call .push()", 1),
    ("fetch(url);\n", K.BOUNDARY, "network call fetch()", 1),
    (
        "const fs = require('fs');\nfs.readFileSync(p);\n",
        K.BOUNDARY,
        "file I/O call fs.readFileSync()",
        2,
    ),
    (
        "import * as cp from 'node:child_process';\ncp.spawn('ls');\n",
        K.BOUNDARY,
        "subprocess call cp.spawn()",
        2,
    ),
    ("Math.random();\n", K.BOUNDARY, "randomness call Math.random()", 1),
    ("setTimeout(f, 1);\n", K.BOUNDARY, "time call setTimeout()", 1),
    ("try { f(); } catch (e) {}\n", K.ERROR_HANDLING, "try block", 1),
    ("try { f(); } catch (e) {}\n", K.ERROR_HANDLING, "catch handler", 1),
    ("try { f(); } finally {}\n", K.ERROR_HANDLING, "finally block", 1),
    ("throw new Error('x');\n", K.ERROR_HANDLING, "throw", 1),
    ("p.catch(handle);\n", K.ERROR_HANDLING, "promise rejection handler", 1),
    ("function f(n) { return f(n - 1); }\n", K.RECURSION, "recursive call: f calls itself", 1),
    ("class C {\n  m() { this.m(); }\n}\n", K.RECURSION, "recursive call: C.m calls itself", 2),
    ("function f() { return 1; }\n", K.RETURN, "return", 1),
    ("r = a / b;\n", K.ARITHMETIC, "division or modulo (divisor may be zero)", 1),
    ("r = a % b;\n", K.ARITHMETIC, "division or modulo (divisor may be zero)", 1),
    ("i = n + 1;\n", K.ARITHMETIC, "+/- constant offset (off-by-one candidate)", 1),
]


def _facts(source: str, language: str) -> set[tuple[FactKind, str, int]]:
    analysis = analyze_source(source.encode(), f"snippet.{language}", language)
    return {(f.kind, f.reason, f.start_line) for f in analysis.facts}


@pytest.mark.parametrize(("source", "kind", "reason", "line"), PYTHON_ROWS)
def test_python_query_finds(source: str, kind: FactKind, reason: str, line: int) -> None:
    assert (kind, reason, line) in _facts(source, "python")


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
@pytest.mark.parametrize(("source", "kind", "reason", "line"), ECMASCRIPT_ROWS)
def test_ecmascript_query_finds(
    language: str, source: str, kind: FactKind, reason: str, line: int
) -> None:
    assert (kind, reason, line) in _facts(source, language)


@pytest.mark.parametrize(
    ("source", "language"),
    [
        ("x = 1\nprint(x)\nos.path.join(a, b)\n", "python"),  # pure call under a boundary module
        ("def f(n):\n    return g(n)\n", "python"),  # calling another function is not recursion
        ("const x = 1;\nconsole.log(x);\n", "javascript"),
    ],
)
def test_plain_code_yields_no_boundary_or_recursion(source: str, language: str) -> None:
    kinds = {kind for kind, _, _ in _facts(source, language)}
    assert FactKind.BOUNDARY not in kinds and FactKind.RECURSION not in kinds


def test_string_formatting_is_not_a_division() -> None:
    facts = _facts('msg = "%s items" % n\nrate = total / n\n', "python")
    divisions = {line for kind, _, line in facts if kind == FactKind.ARITHMETIC}
    assert divisions == {2}


def test_typed_typescript_still_yields_facts() -> None:
    source = (
        "function f(a: number[]): number {\n  if (a.length > 0) { return a[0]; }\n  return 0;\n}\n"
    )
    facts = _facts(source, "typescript")
    assert (FactKind.ENTRY, "function f", 1) in facts
    assert (FactKind.DECISION, "if condition", 2) in facts


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_query_file_compiles_for_its_language(language: str) -> None:
    query = facts_query(language)
    assert query.pattern_count > 20
    assert QUERY_FILES[language].endswith(".scm")


@pytest.mark.parametrize(
    "bad",
    [
        "(if_statement condition: (_) @x",  # unbalanced parenthesis
        "(no_such_node) @x",  # unknown node type
        "(if_statement no_such_field: (_)) @x",  # unknown field
    ],
)
@pytest.mark.parametrize("language", ["python", "javascript"])
def test_bad_query_raises(language: str, bad: str) -> None:
    with pytest.raises(ts.QueryError):
        compile_query(language, bad)


def test_python_query_does_not_compile_for_javascript() -> None:
    # The shipped queries are per grammar: a node type of one grammar is an error in another.
    with pytest.raises(ts.QueryError):
        compile_query("javascript", query_source("python.scm"))

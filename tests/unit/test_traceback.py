"""parse_failure on real outputs (tests/data/tracebacks, made by generate.py): one row per shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dap_proxy.analysis.traceback import parse_failure, parse_failures

DATA = Path(__file__).resolve().parent.parent / "data" / "tracebacks"
CART_TESTS = [
    "tests/test_cart.py::test_average_empty",
    "tests/test_cart.py::test_average_param[prices1-25]",
    "tests/test_cart.py::test_checkout_discount",
    "tests/test_cart.py::test_items_list",
    "tests/test_cart.py::TestCheckout::test_unknown_coupon[SAVE1.5]",
    "tests/test_cart.py::TestCheckout::test_unknown_coupon[two words]",
]


@dataclass
class Case:
    file: str
    language: str
    types: list[str]  # every exception, oldest first; the last is the final one
    message: str  # the final message starts with this
    functions: list[str | None]  # the final exception's frames, outermost first (tail compared)
    line: int | None  # innermost frame's line
    code: str | None  # innermost frame's code
    relations: list[str | None] = field(default_factory=list)
    failing_tests: list[str] = field(default_factory=list)
    assertion: str | None = None  # the assertion starts with this


CASES = [
    Case(
        "py_simple.txt",
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["<module>", "main", "average_price"],
        10,
        "return total / len(self.items)",
    ),
    Case(
        "py_keyerror.txt",
        "python",
        ["KeyError"],
        "'widget-42'",
        ["<module>", "run", "checkout"],
        14,
        "discount = coupons[cart.items[0][0]]",
    ),
    Case(
        "py_assert.txt",
        "python",
        ["AssertionError"],
        "expected [1, 2, 3] to equal [1, 2, 4]",
        ["<module>", "test_like"],
        2,
        'assert a == b, f"expected {a} to equal {b}"',
    ),
    Case(
        "py_chained_context.txt",
        "python",
        ["json.decoder.JSONDecodeError", "ValueError"],
        "bad config at 0x",
        ["<module>", "load_config"],
        8,
        'raise ValueError(f"bad config at 0x{id(text):x}: {text!r}")',
        relations=[None, "context"],
    ),
    Case(
        "py_chained_cause.txt",
        "python",
        ["KeyError", "PaymentError"],
        "no account for user 'alice' (amount=12.5)",
        ["<module>", "charge"],
        9,
        'raise PaymentError(f"no account for user {user!r} (amount={amount})") from exc',
        relations=[None, "cause"],
    ),
    Case(
        "py_syntax_error.txt",
        "python",
        ["SyntaxError"],
        "'(' was never closed",
        [None],
        2,
        "return sum(item.price for item in items",
    ),
    Case(
        "py_recursion.txt",
        "python",
        ["RecursionError"],
        "maximum recursion depth exceeded",
        ["<module>", "depth", "depth", "depth"],
        2,
        "return 1 + depth(node)",
    ),
    Case(
        "py_exception_group.txt",
        "python",
        ["ValueError", "ZeroDivisionError", "ExceptionGroup"],
        "validation failed (2 sub-exceptions)",
        ["<module>", "validate"],
        12,
        'raise ExceptionGroup("validation failed", errors)',
        relations=["group_member", "group_member", None],
    ),
    Case(
        "py_exception_group_nested.txt",  # members never raised print only `Type: message`
        "python",
        [
            "KeyError",
            "TypeError",
            "ExceptionGroup",
            "KeyError",
            "TypeError",
            "ExceptionGroup",
            "ValueError",
            "ExceptionGroup",
        ],
        "outer (2 sub-exceptions)",
        ["<module>", "outer"],
        9,
        'raise ExceptionGroup("outer", [eg, ValueError("v")])',
        relations=[
            "group_member",
            "group_member",
            None,
            "group_member",
            "group_member",
            "group_member",
            "group_member",
            "context",
        ],
    ),
    Case(
        "ipython_simple.txt",  # IPython 8 / Jupyter: `File x.py:6, in main()` and `---->`
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["<module>", "main", "average_price"],
        10,
        "return total / len(self.items)",
    ),
    Case(
        "ipython_chained_cause.txt",
        "python",
        ["KeyError", "PaymentError"],
        "no account for user 'alice' (amount=12.5)",
        ["<module>", "charge"],
        9,
        'raise PaymentError(f"no account for user {user!r} (amount={amount})") from exc',
        relations=[None, "cause"],
    ),
    Case(
        "ipython_syntax_error.txt",
        "python",
        ["SyntaxError"],
        "'(' was never closed",
        [None],
        2,
        "return sum(item.price for item in items",
    ),
    Case(
        "rich_keyerror.txt",  # rich.traceback: boxed frames, `❱ 14 │ code`
        "python",
        ["KeyError"],
        "'widget-42'",
        ["<module>", "run", "checkout"],
        14,
        "discount = coupons[cart.items[0][0]]",
    ),
    Case(
        "rich_chained_cause.txt",  # rich cuts long lines at the box edge
        "python",
        ["KeyError", "PaymentError"],
        "no account for user 'alice' (amount=12.5)",
        ["<module>", "charge"],
        14,
        'raise PaymentError(f"no account for user {user!r} (amount={amou',
        relations=[None, "cause"],
    ),
    Case(
        "py_json_log.txt",  # a traceback escaped inside a JSON log record
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["handle", "average_price"],
        10,
        "return total / len(self.items)",
    ),
    Case(
        "node_json_log.txt",  # err.stack escaped inside a JSON log record (pino style)
        "javascript",
        ["TypeError"],
        "Cannot read properties of undefined (reading 'amount')",
        ["Object.<anonymous>", "priceOf"],
        2,
        None,
    ),
    Case(
        "py_library.txt",
        "python",
        ["pydantic_core._pydantic_core.ValidationError"],
        "1 validation error for Order\nid\n  Input should be a valid integer",
        ["<module>", "parse", "model_validate"],
        792,
        "return cls.__pydantic_validator__.validate_python(",
    ),
    Case(
        "py_stdlib.txt",
        "python",
        ["json.decoder.JSONDecodeError"],
        "Expecting property name enclosed in double quotes",
        ["<module>", "read_settings", "loads", "decode", "raw_decode"],
        353,
        "obj, end = self.scan_once(s, idx)",
    ),
    Case(
        "py_logging.txt",
        "python",
        ["ZeroDivisionError"],
        "integer division or modulo by zero",
        ["<module>", "handle"],
        8,
        'return job["payload"]["size"] // job["chunks"]',
    ),
    Case(
        "issue_with_traceback.txt",
        "python",
        ["KeyError"],
        "'widget-42'",
        ["<module>", "run", "checkout"],
        14,
        "discount = coupons[cart.items[0][0]]",
    ),
    Case(
        "py38_simple.txt",  # no carets, relative __main__ path
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["<module>", "main", "average_price"],
        10,
        "return total / len(self.items)",
    ),
    Case(
        "py38_chained_cause.txt",  # 3.8 prints the module: __main__.PaymentError
        "python",
        ["KeyError", "__main__.PaymentError"],
        "no account for user 'alice'",
        ["<module>", "charge"],
        9,
        'raise PaymentError(f"no account for user {user!r} (amount={amount})") from exc',
        relations=[None, "cause"],
    ),
    Case(
        "py38_syntax_error.txt",
        "python",
        ["SyntaxError"],
        "invalid syntax",
        [None],
        5,
        "print(total([]))",
    ),
    Case(
        "py38_recursion.txt",
        "python",
        ["RecursionError"],
        "maximum recursion depth exceeded",
        ["<module>", "depth", "depth", "depth"],
        2,
        "return 1 + depth(node)",
    ),
    Case(
        "py313_simple.txt",  # 3.13 carets under calls too: `~~~~^^`
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["<module>", "main", "average_price"],
        10,
        "return total / len(self.items)",
    ),
    Case(
        "py313_chained_cause.txt",
        "python",
        ["KeyError", "PaymentError"],
        "no account for user 'alice'",
        ["<module>", "charge"],
        9,
        'raise PaymentError(f"no account for user {user!r} (amount={amount})") from exc',
        relations=[None, "cause"],
    ),
    Case(
        "py313_syntax_error.txt",
        "python",
        ["SyntaxError"],
        "'(' was never closed",
        [None],
        2,
        "return sum(item.price for item in items",
    ),
    Case(
        "py313_recursion.txt",
        "python",
        ["RecursionError"],
        "maximum recursion depth exceeded",
        ["<module>", "depth", "depth", "depth"],
        2,
        "return 1 + depth(node)",
    ),
    Case(
        "py313_keyerror_color.txt",  # FORCE_COLOR: ANSI codes everywhere
        "python",
        ["KeyError"],
        "'widget-42'",
        ["<module>", "run", "checkout"],
        14,
        "discount = coupons[cart.items[0][0]]",
    ),
    Case(
        "pytest_verbose_color.txt",  # -v --color=yes --tb=short
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["test_average_empty", "average_price"],
        10,
        "return total / len(self.items)",
        failing_tests=CART_TESTS,
        assertion="ZeroDivisionError: division by zero",
    ),
    Case(
        "pytest_tb_auto.txt",
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["test_average_empty", "average_price"],
        10,
        "return total / len(self.items)",
        failing_tests=CART_TESTS,
        assertion="ZeroDivisionError: division by zero",
    ),
    Case(
        "pytest_tb_long.txt",
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["test_average_empty", "average_price"],
        10,
        "return total / len(self.items)",
        failing_tests=CART_TESTS,
        assertion="ZeroDivisionError: division by zero",
    ),
    Case(
        "pytest_tb_short.txt",
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["test_average_empty", "average_price"],
        10,
        "return total / len(self.items)",
        failing_tests=CART_TESTS,
        assertion="ZeroDivisionError: division by zero",
    ),
    Case(
        "pytest_tb_native.txt",
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["pytest_pyfunc_call", "test_average_empty", "average_price"],
        10,
        "return total / len(self.items)",
        failing_tests=CART_TESTS,
    ),
    Case(
        "pytest_tb_line.txt",
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        [None],
        10,
        None,
        failing_tests=CART_TESTS,
        assertion="ZeroDivisionError: division by zero",
    ),
    Case(
        "pytest_chained_fixture.txt",
        "python",
        ["KeyError", "test_chain.InventoryError"],
        "cannot reserve b",
        ["test_reserve", "reserve"],
        14,
        'raise InventoryError(f"cannot reserve {name}") from exc',
        relations=[None, "cause"],
        failing_tests=[
            "extra/test_chain.py::test_reserve",
            "extra/test_chain.py::test_uses_fixture",
        ],
        assertion="test_chain.InventoryError: cannot reserve b",
    ),
    Case(
        "pytest_collect_error.txt",
        "python",
        ["ModuleNotFoundError"],
        "No module named 'missing_module_xyz'",
        ["import_module", "<module>"],
        1,
        "import missing_module_xyz",
        failing_tests=["broken/test_import.py"],
        assertion="ModuleNotFoundError: No module named 'missing_module_xyz'",
    ),
    Case(
        "node_uncaught.txt",
        "javascript",
        ["TypeError"],
        "Cannot read properties of undefined (reading 'items')",
        ["Object.<anonymous>", "handle", "totalOf"],
        2,
        "return order.items.reduce((sum, it) => sum + it.price, 0);",
    ),
    Case(
        "node_async.txt",
        "javascript",
        ["Error"],
        "user 42 not found",
        ["main", "loadProfile", "fetchUser"],
        3,
        "throw new Error(`user ${id} not found`);",
    ),
    Case(
        "node_range.txt",
        "javascript",
        ["RangeError"],
        "Invalid array length",
        ["Object.<anonymous>", "new Matrix"],
        3,
        "this.rows = new Array(n);",
    ),
    Case(
        "node_esm.txt",
        "javascript",
        ["TypeError"],
        "field id must be number, got string",
        [None, "parseOrder", "validate"],
        4,
        "throw new TypeError(`field ${key} must be ${schema[key]}, got ${typeof value[key]}`);",
    ),
    Case(
        "node_syntax.txt",
        "javascript",
        ["SyntaxError"],
        "Unexpected token ','",
        ["Module._compile", "wrapSafe", None],
        4,
        "const broken = { a: 1,, b: 2 };",
    ),
    Case(
        "node_fs_uncaught.txt",  # thrown inside node:fs, with an `{ errno, code }` block after
        "javascript",
        ["Error"],
        "ENOENT: no such file or directory, open '/tmp/sdtb-proj/templates/invoice.html'",
        ["Object.<anonymous>", "loadTemplate", "Object.readFileSync"],
        448,
        "return binding.readFileUtf8(path, stringToFlags(options.flag));",
    ),
    Case(
        "unittest.txt",  # `python -m unittest`: dotted ids from the FAIL/ERROR headers
        "python",
        ["ZeroDivisionError"],
        "division by zero",
        ["test_empty", "average_price"],
        10,
        "return total / len(self.items)",
        failing_tests=["ut.test_ut.TestCart.test_empty", "ut.test_ut.TestCart.test_average"],
    ),
    Case(
        "jest.txt",  # jest 29: `● suite › test`, matcher report, code frame, stack
        "javascript",
        ["AssertionError"],
        "expect(received).toBe(expected) // Object.is equality\n\nExpected: 0\nReceived: NaN",
        ["Object.toBe"],
        9,
        "expect(average([])).toBe(0);",
        failing_tests=["average \u203a of no prices is zero", "checkout applies the coupon"],
    ),
    Case(
        "nodetest_tap.txt",  # `node --test` when not on a terminal: TAP with YAML blocks
        "javascript",
        ["AssertionError"],
        "Expected values to be strictly equal:\n\nNaN !== 0",
        ["Test.runInAsyncScope", "TestContext.<anonymous>"],
        13,
        None,
        failing_tests=["average of empty is zero", "drops empty lines"],
    ),
    Case(
        "nodetest_spec.txt",  # `node --test --test-reporter=spec`
        "javascript",
        ["AssertionError"],
        "Expected values to be strictly equal:\n\nNaN !== 0",
        ["Test.runInAsyncScope", "TestContext.<anonymous>"],
        13,
        None,
        failing_tests=["average of empty is zero", "drops empty lines"],
    ),
    Case(
        "node_caught.txt",
        "javascript",
        ["Error"],
        "ENOENT: no such file or directory",
        ["Object.<anonymous>", "readConfig", "Object.readFileSync"],
        448,
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_parses_real_output(case: Case) -> None:
    failure = parse_failure((DATA / case.file).read_text())

    assert failure.language == case.language
    assert [e.type for e in failure.exceptions] == case.types
    assert failure.final is not None
    assert failure.final.message.startswith(case.message)
    functions = [f.function for f in failure.frames]
    assert functions[-len(case.functions) :] == case.functions
    assert failure.frames[-1].line == case.line
    assert failure.frames[-1].code == case.code
    if case.relations:
        assert [e.relation for e in failure.exceptions] == case.relations
    assert failure.failing_tests == case.failing_tests
    if case.assertion is None:
        assert failure.assertion is None or failure.final.type == "AssertionError"
    else:
        assert failure.assertion is not None
        assert failure.assertion.startswith(case.assertion)


def test_recursion_records_the_repeat_count() -> None:
    failure = parse_failure((DATA / "py_recursion.txt").read_text())
    assert failure.frames[-1].repeated == 996
    assert [f.repeated for f in failure.frames[:-1]] == [0, 0, 0]


def test_python_carets_are_not_taken_for_code() -> None:
    failure = parse_failure((DATA / "py_keyerror.txt").read_text())
    assert all("^" not in (f.code or "") and "~" not in (f.code or "") for f in failure.frames)


def test_library_frames_are_marked_without_a_workspace() -> None:
    stdlib = parse_failure((DATA / "py_stdlib.txt").read_text())
    assert [f.is_library for f in stdlib.frames] == [False, False, True, True, True]
    node = parse_failure((DATA / "node_esm.txt").read_text())
    # outermost first: three node:internal frames, the ESM module, parseOrder, node_modules
    assert [f.is_library for f in node.frames] == [True, True, True, False, False, True]
    assert node.frames[3].file == "/tmp/sdtb-proj/node_esm.mjs"  # file:// URL made a path


def test_node_columns_and_frame_order() -> None:
    failure = parse_failure((DATA / "node_uncaught.txt").read_text())
    innermost = failure.frames[-1]
    assert (innermost.file, innermost.line, innermost.column) == (
        "/tmp/sdtb-proj/node_uncaught.js",
        2,
        16,
    )
    assert failure.frames[0].file == "node:internal/main/run_main_module"


@pytest.mark.parametrize(
    "test_id,types,assertion",
    [
        (CART_TESTS[1], ["AssertionError"], "assert 20.0 == 25\n +  where 20.0 = average_price()"),
        (
            CART_TESTS[2],
            ["AssertionError"],
            "AssertionError: discount applied twice?\nassert 8.0 == 7",
        ),
        (CART_TESTS[3], ["AssertionError"], "AssertionError: assert ['item0', 'item1'] =="),
        (CART_TESTS[4], ["KeyError"], "KeyError: 'item0'"),
        (CART_TESTS[5], ["KeyError"], "KeyError: 'item0'"),
    ],
)
def test_every_pytest_failure_with_its_assertion(
    test_id: str, types: list[str], assertion: str
) -> None:
    for name in ("tb_auto", "tb_long", "tb_short", "verbose_color"):
        failures = parse_failures((DATA / f"pytest_{name}.txt").read_text())
        assert [f.failing_tests for f in failures] == [[t] for t in CART_TESTS]
        found = next(f for f in failures if f.failing_tests == [test_id])
        assert [e.type for e in found.exceptions] == types
        assert found.assertion is not None and found.assertion.startswith(assertion)
        test_frame = next(f for f in found.frames if f.file == "tests/test_cart.py")
        assert test_frame.function == test_id.split("::")[-1].split("[")[0]


def test_assert_message_is_the_same_in_long_and_native_shapes() -> None:
    long = parse_failures((DATA / "pytest_tb_long.txt").read_text())
    native = parse_failures((DATA / "pytest_tb_native.txt").read_text())
    assert long[2].final is not None and native[2].final is not None
    assert (
        long[2].final.message
        == native[2].final.message
        == "discount applied twice?\nassert 8.0 == 7"
    )


def test_the_first_failed_test_comes_before_a_setup_error() -> None:
    failures = parse_failures((DATA / "pytest_chained_fixture.txt").read_text())
    assert [f.failing_tests for f in failures] == [
        ["extra/test_chain.py::test_reserve"],
        ["extra/test_chain.py::test_uses_fixture"],
    ]
    fixture = failures[1]
    assert fixture.final is not None and fixture.final.type == "RuntimeError"
    assert fixture.frames[-1].function == "cart"


def test_several_tracebacks_in_one_text_are_all_found_first_one_primary() -> None:
    text = "\n".join(
        (DATA / name).read_text() for name in ("py_simple.txt", "node_async.txt", "py_keyerror.txt")
    )
    failures = parse_failures(text)
    assert [f.final.type for f in failures if f.final] == ["ZeroDivisionError", "Error", "KeyError"]
    assert parse_failure(text).final == failures[0].final


def test_node_caught_errors_are_two_failures() -> None:
    failures = parse_failures((DATA / "node_caught.txt").read_text())
    assert [f.final.type for f in failures if f.final] == ["Error", "SyntaxError"]
    assert failures[1].frames[-1].file == "<anonymous>"
    assert failures[1].frames[-1].function == "JSON.parse"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nothing to see here\njust prose",
        "Traceback (most recent call last):",
        '  File "x.py", line 3\nsome prose after it',
        "    at the office all day\n    at 5 pm we leave",
        "=================== FAILURES ===================\n",
        "FAILED to connect to the server",
    ],
)
def test_unrecognised_text_gives_an_empty_failure(text: str) -> None:
    failure = parse_failure(text)
    assert failure.exceptions == []
    assert failure.failing_tests == []
    assert failure.assertion is None


def test_a_truncated_paste_keeps_its_frames() -> None:
    text = "\n".join((DATA / "py_simple.txt").read_text().splitlines()[:5])
    failure = parse_failure(text)
    assert failure.final is not None and failure.final.type == ""
    assert [f.function for f in failure.frames] == ["<module>", "main"]


def test_a_margin_is_stripped_from_every_line() -> None:
    body = (DATA / "py_chained_cause.txt").read_text().splitlines()
    quoted = "\n".join("web_1  | " + line for line in body)
    failure = parse_failure("web_1  | starting\n" + quoted)
    assert [e.type for e in failure.exceptions] == ["KeyError", "PaymentError"]
    assert failure.frames[-1].function == "charge"


def test_windows_carriage_returns() -> None:
    text = (DATA / "py_keyerror.txt").read_text().replace("\n", "\r\n")
    failure = parse_failure(text)
    assert failure.final is not None and failure.final.message == "'widget-42'"
    assert failure.frames[-1].code == "discount = coupons[cart.items[0][0]]"


def test_node_frame_before_an_error_properties_block_is_kept() -> None:
    failure = parse_failure((DATA / "node_fs_uncaught.txt").read_text())
    outermost = failure.frames[0]  # printed as `at node:internal/main/run_main_module:28:49 {`
    assert (outermost.file, outermost.line, outermost.column) == (
        "node:internal/main/run_main_module",
        28,
        49,
    )


def test_a_quoted_reply_keeps_the_chain() -> None:
    body = (DATA / "py_chained_cause.txt").read_text().splitlines()
    quoted = "\n".join(("> " + line).rstrip() for line in body)  # mail quoting: bare `>`
    failure = parse_failure("On Monday you wrote:\n" + quoted)
    assert [e.type for e in failure.exceptions] == ["KeyError", "PaymentError"]


def test_a_paste_that_lost_its_indentation() -> None:
    flat = "\n".join(line.strip() for line in (DATA / "py_keyerror.txt").read_text().splitlines())
    failure = parse_failure(flat)
    assert failure.final is not None and failure.final.type == "KeyError"
    assert [f.function for f in failure.frames] == ["<module>", "run", "checkout"]
    assert failure.frames[-1].code == "discount = coupons[cart.items[0][0]]"


@pytest.mark.parametrize("name", ["nodetest_tap.txt", "nodetest_spec.txt"])
def test_node_test_runner_failures_one_per_test(name: str) -> None:
    failures = parse_failures((DATA / name).read_text())
    # the spec reporter repeats each failure under "failing tests:"; a failed suite has no error
    assert [f.failing_tests for f in failures] == [
        ["average of empty is zero"],
        ["drops empty lines"],
    ]
    inner = failures[1].frames[-1]
    assert (inner.file, inner.line, inner.column) == ("/tmp/sdtb-proj/cart.test.js", 19, 12)
    assert failures[1].final is not None
    assert failures[1].final.message == "Expected values to be strictly deep-equal:\n\n1 !== 2"


def test_unittest_ids_before_python_3_11() -> None:
    text = (DATA / "unittest.txt").read_text().replace(".TestCart.test_empty)", ".TestCart)")
    failures = parse_failures(text)
    assert [f.failing_tests for f in failures] == [
        ["ut.test_ut.TestCart.test_empty"],
        ["ut.test_ut.TestCart.test_average"],
    ]


def test_jest_failures_one_per_test_with_the_code_frame_line() -> None:
    failures = parse_failures((DATA / "jest.txt").read_text())
    assert [f.failing_tests for f in failures] == [
        ["average \u203a of no prices is zero"],
        ["checkout applies the coupon"],
    ]
    coupon = failures[1]
    assert coupon.final is not None and coupon.final.type == "TypeError"
    assert [(f.file, f.line, f.function) for f in coupon.frames] == [
        ("src/cart.test.js", 15, "Object.checkout"),
        ("src/cart.js", 7, "amount"),
    ]
    assert coupon.frames[-1].code == "const discount = coupons[cart.items[0].name].amount;"


def test_a_pasted_pytest_fragment_without_its_banner() -> None:
    lines = (DATA / "pytest_tb_short.txt").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "test_checkout_discount" in line)
    failure = parse_failure("\n".join(lines[start : start + 4]))
    assert failure.final is not None and failure.final.type == "AssertionError"
    assert failure.failing_tests == ["tests/test_cart.py::test_checkout_discount"]


def test_an_underlined_heading_in_prose_does_not_hide_a_stack() -> None:
    text = "___ What happened ___\n\n" + (DATA / "node_async.txt").read_text()
    assert parse_failure(text).language == "javascript"

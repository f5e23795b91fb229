"""Regenerates the real failure outputs in this folder by running small programs, pytest and node.

Run from the repository root: `.venv/bin/python tests/data/tracebacks/generate.py`. The programs are
written into a fixed scratch project (/tmp/sdtb-proj) so the saved paths are stable between runs;
every saved file is exactly what the tool printed (stderr, or stdout for pytest). The two issue_*.txt
files are hand-written prose around the real py_keyerror.txt traceback (the second with the paths a
container would print). py38_* / py313_* need those interpreters under pyenv and are kept as saved.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJ = Path("/tmp/sdtb-proj")

PY_PROGRAMS: dict[str, str] = {
    "src/cart.py": """
        class Cart:
            def __init__(self):
                self.items = []

            def add(self, name, price, qty=1):
                self.items.append((name, price, qty))

            def average_price(self):
                total = sum(price * qty for _, price, qty in self.items)
                return total / len(self.items)


        def checkout(cart, coupons):
            discount = coupons[cart.items[0][0]]
            return cart.average_price() - discount
        """,
    "py_simple.py": """
        from src.cart import Cart


        def main():
            cart = Cart()
            print(cart.average_price())


        if __name__ == "__main__":
            main()
        """,
    "py_keyerror.py": """
        from src.cart import Cart, checkout


        def run(user_id):
            cart = Cart()
            cart.add("widget-42", 19.99)
            return checkout(cart, {"gadget-7": 5})


        run(1234)
        """,
    "py_chained_context.py": """
        import json


        def load_config(text):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                raise ValueError(f"bad config at 0x{id(text):x}: {text!r}")


        load_config("{'port': 8080}")
        """,
    "py_chained_cause.py": """
        class PaymentError(Exception):
            pass


        def charge(amount, balances, user):
            try:
                balances[user] -= amount
            except KeyError as exc:
                raise PaymentError(f"no account for user {user!r} (amount={amount})") from exc


        charge(12.5, {"bob": 3}, "alice")
        """,
    "py_syntax_error.py": """
        def total(items):
            return sum(item.price for item in items


        print(total([]))
        """,
    "py_recursion.py": """
        def depth(node):
            return 1 + depth(node)


        depth({})
        """,
    "py_exception_group.py": """
        def validate(records):
            errors = []
            for i, r in enumerate(records):
                try:
                    if r < 0:
                        raise ValueError(f"record {i} is negative: {r}")
                    if r == 0:
                        raise ZeroDivisionError("division by zero")
                except Exception as exc:
                    errors.append(exc)
            if errors:
                raise ExceptionGroup("validation failed", errors)


        validate([3, -1, 0])
        """,
    "py_exception_group_nested.py": """
        def inner():
            raise ExceptionGroup("inner", [KeyError("k"), TypeError("t")])


        def outer():
            try:
                inner()
            except ExceptionGroup as eg:
                raise ExceptionGroup("outer", [eg, ValueError("v")])


        outer()
        """,
    "py_library.py": """
        from pydantic import BaseModel


        class Order(BaseModel):
            id: int
            total: float


        def parse(payload):
            return Order.model_validate(payload)


        parse({"id": "abc", "total": 3})
        """,
    "py_stdlib.py": """
        import json


        def read_settings(raw):
            return json.loads(raw)["timeout"]


        read_settings("{not json")
        """,
    "py_logging.py": """
        import logging

        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        log = logging.getLogger("worker")


        def handle(job):
            return job["payload"]["size"] // job["chunks"]


        for job in ({"payload": {"size": 10}, "chunks": 2}, {"payload": {"size": 10}, "chunks": 0}):
            try:
                handle(job)
            except Exception:
                log.exception("job failed: %r", job)
        log.warning("worker finished with errors")
        """,
    "py_json_log.py": """
        import json
        import sys
        import traceback

        from src.cart import Cart


        def handle(request_id):
            try:
                return Cart().average_price()
            except ZeroDivisionError:
                record = {"level": "error", "request": request_id, "exc": traceback.format_exc()}
                print(json.dumps(record), file=sys.stderr)


        print(json.dumps({"level": "info", "msg": "started"}), file=sys.stderr)
        handle("req-81f3")
        """,
    "rich_keyerror.py": """
        from rich.traceback import install

        install(width=100)

        from src.cart import Cart, checkout  # noqa: E402


        def run(user_id):
            cart = Cart()
            cart.add("widget-42", 19.99)
            return checkout(cart, {"gadget-7": 5})


        run(1234)
        """,
    "rich_chained_cause.py": """
        from rich.traceback import install

        install(width=100)


        class PaymentError(Exception):
            pass


        def charge(amount, balances, user):
            try:
                balances[user] -= amount
            except KeyError as exc:
                raise PaymentError(f"no account for user {user!r} (amount={amount})") from exc


        charge(12.5, {"bob": 3}, "alice")
        """,
    "py_assert.py": """
        def test_like(a, b):
            assert a == b, f"expected {a} to equal {b}"


        test_like([1, 2, 3], [1, 2, 4])
        """,
}

PYTEST_FILES: dict[str, str] = {
    "tests/__init__.py": "",
    "tests/test_cart.py": """
        import pytest

        from src.cart import Cart, checkout


        def make_cart(*prices):
            cart = Cart()
            for i, p in enumerate(prices):
                cart.add(f"item{i}", p)
            return cart


        def test_average_simple():
            assert make_cart(2, 4).average_price() == 3


        def test_average_empty():
            assert make_cart().average_price() == 0


        @pytest.mark.parametrize("prices,expected", [((1, 2), 1.5), ((10, 20, 30), 25)])
        def test_average_param(prices, expected):
            cart = make_cart(*prices)
            assert cart.average_price() == expected


        def test_checkout_discount():
            cart = make_cart(10)
            result = checkout(cart, {"item0": 2})
            assert result == 7, "discount applied twice?"


        def test_items_list():
            cart = make_cart(1, 2)
            assert [i[0] for i in cart.items] == ["item0", "item2"]


        class TestCheckout:
            @pytest.mark.parametrize("code", ["SAVE1.5", "two words"])
            def test_unknown_coupon(self, code):
                assert checkout(make_cart(5), {code: 1}) == 4
        """,
}

PYTEST_EXTRA: dict[str, str] = {
    "extra/test_chain.py": """
        import pytest

        from src.cart import Cart


        class InventoryError(Exception):
            pass


        def reserve(stock, name):
            try:
                stock[name] -= 1
            except KeyError as exc:
                raise InventoryError(f"cannot reserve {name}") from exc


        @pytest.fixture
        def cart():
            raise RuntimeError("database not reachable on port 5432")


        def test_reserve():
            reserve({"a": 1}, "b")


        def test_uses_fixture(cart):
            assert cart.items == []
        """,
    "ut/__init__.py": "",
    "ut/test_ut.py": """
        import unittest

        from src.cart import Cart


        class TestCart(unittest.TestCase):
            def test_average(self):
                cart = Cart()
                cart.add("a", 2)
                self.assertEqual(cart.average_price(), 3)

            def test_empty(self):
                Cart().average_price()

            def test_ok(self):
                self.assertTrue(True)
        """,
    "broken/test_import.py": """
        import missing_module_xyz


        def test_never_runs():
            assert missing_module_xyz
        """,
}

NODE_TESTS = """
    const { describe, test } = require("node:test");
    const assert = require("node:assert");

    function average(xs) {
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    }

    test("average of two", () => {
      assert.strictEqual(average([2, 4]), 3);
    });

    test("average of empty is zero", () => {
      assert.strictEqual(average([]), 0);
    });

    describe("cart", () => {
      test("drops empty lines", () => {
        const lines = [{ qty: 1 }, { qty: 0 }];
        assert.deepStrictEqual(lines.filter((l) => l.qty).length, 2);
      });
    });
    """

NODE_PROGRAMS: dict[str, str] = {
    "node_modules/tiny-validate/index.js": """
        function validate(schema, value) {
          for (const key of Object.keys(schema)) {
            if (typeof value[key] !== schema[key]) {
              throw new TypeError(`field ${key} must be ${schema[key]}, got ${typeof value[key]}`);
            }
          }
          return value;
        }
        module.exports = { validate };
        """,
    "node_esm.mjs": """
        import { createRequire } from "node:module";
        const require = createRequire(import.meta.url);
        const { validate } = require("tiny-validate");

        export function parseOrder(raw) {
          return validate({ id: "number", total: "number" }, JSON.parse(raw));
        }

        parseOrder('{"id": "7", "total": 3}');
        """,
    "node_uncaught.js": """
        function totalOf(order) {
          return order.items.reduce((sum, it) => sum + it.price, 0);
        }

        function handle(req) {
          const order = req.body.order;
          return totalOf(order);
        }

        handle({ body: {} });
        """,
    "node_async.js": """
        async function fetchUser(id) {
          await null;
          throw new Error(`user ${id} not found`);
        }

        async function loadProfile(id) {
          const user = await fetchUser(id);
          return user.profile;
        }

        async function main() {
          await loadProfile(42);
        }

        main();
        """,
    "node_caught.js": """
        const fs = require("fs");

        function readConfig(path) {
          return JSON.parse(fs.readFileSync(path, "utf8"));
        }

        try {
          readConfig("/tmp/sdtb-proj/missing-config.json");
        } catch (err) {
          console.error(err.stack);
        }
        try {
          JSON.parse("{bad json");
        } catch (err) {
          console.error(err.stack);
        }
        """,
    "node_syntax.js": """
        function ok() {
          return 1;
        }
        const broken = { a: 1,, b: 2 };
        """,
    "node_json_log.js": """
        function priceOf(item) {
          return item.price.amount;
        }

        try {
          priceOf({});
        } catch (err) {
          const record = { level: 50, time: 1764338400000, msg: "pricing failed" };
          record.err = { type: err.name, message: err.message, stack: err.stack };
          console.error(JSON.stringify(record));
        }
        """,
    "node_fs_uncaught.js": """
        const fs = require("fs");

        function loadTemplate(name) {
          return fs.readFileSync(`/tmp/sdtb-proj/templates/${name}.html`, "utf8");
        }

        loadTemplate("invoice");
        """,
    "node_range.js": """
        class Matrix {
          constructor(n) {
            this.rows = new Array(n);
          }
          get(i, j) {
            return this.rows[i][j];
          }
        }

        const m = new Matrix(-1);
        console.log(m.get(0, 0));
        """,
}


def write(base: Path, files: dict[str, str]) -> None:
    for rel, src in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(src).lstrip())


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=PROJ, capture_output=True, text=True, timeout=120, check=False)


def main() -> None:
    shutil.rmtree(PROJ, ignore_errors=True)
    (PROJ / "src").mkdir(parents=True)
    (PROJ / "src" / "__init__.py").write_text("")
    write(PROJ, PY_PROGRAMS)
    write(PROJ, PYTEST_FILES)
    write(PROJ, PYTEST_EXTRA)
    write(PROJ, NODE_PROGRAMS)
    for name in PY_PROGRAMS:
        if "/" in name:
            continue
        out = run([sys.executable, name]).stderr
        (HERE / name.replace(".py", ".txt")).write_text(out)
    for tb in ("auto", "short", "long", "native", "line"):
        out = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--tb={tb}", "tests"])
        (HERE / f"pytest_tb_{tb}.txt").write_text(out.stdout)
    out = run([sys.executable, "-m", "unittest", "ut.test_ut"])
    (HERE / "unittest.txt").write_text(out.stderr)
    colour = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", "--color=yes"]
    out = run([*colour, "--tb=short", "tests"])
    (HERE / "pytest_verbose_color.txt").write_text(out.stdout)
    out = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "extra"])
    (HERE / "pytest_chained_fixture.txt").write_text(out.stdout)
    out = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "broken"])
    (HERE / "pytest_collect_error.txt").write_text(out.stdout)
    write(PROJ, {"cart.test.js": NODE_TESTS})
    (HERE / "nodetest_tap.txt").write_text(run(["node", "--test", "cart.test.js"]).stdout)
    spec = run(["node", "--test", "--test-reporter=spec", "cart.test.js"]).stdout
    (HERE / "nodetest_spec.txt").write_text(spec)
    for name in NODE_PROGRAMS:
        if name.startswith("node_modules/"):
            continue
        out = run(["node", name]).stderr
        (HERE / Path(name).with_suffix(".txt").name).write_text(out)
    other_interpreters()
    ipython()
    jest()
    write_issues()


JEST_FILES: dict[str, str] = {
    "src/cart.js": """
        function average(items) {
          const total = items.reduce((sum, it) => sum + it.price, 0);
          return total / items.length;
        }

        function checkout(cart, coupons) {
          const discount = coupons[cart.items[0].name].amount;
          return average(cart.items) - discount;
        }

        module.exports = { average, checkout };
        """,
    "src/cart.test.js": """
        const { average, checkout } = require("./cart");

        describe("average", () => {
          test("of two prices", () => {
            expect(average([{ price: 2 }, { price: 4 }])).toBe(3);
          });

          test("of no prices is zero", () => {
            expect(average([])).toBe(0);
          });
        });

        test("checkout applies the coupon", () => {
          const cart = { items: [{ name: "widget", price: 10 }] };
          expect(checkout(cart, { gadget: { amount: 2 } })).toBe(8);
        });
        """,
}


def jest() -> None:
    """Jest 29's report, when a folder with jest installed is given (`npm install jest@29` in
    $SDTB_JEST_DIR, default /tmp/sdtb-jest): the project's files are written there and run."""
    where = Path(os.environ.get("SDTB_JEST_DIR", "/tmp/sdtb-jest"))
    binary = where / "node_modules" / ".bin" / "jest"
    if not binary.exists():
        return
    write(where, JEST_FILES)
    out = subprocess.run(
        [str(binary), "--ci"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "CI": "true"},
    )
    (HERE / "jest.txt").write_text(out.stdout + out.stderr)


def ipython() -> None:
    """IPython 8's own traceback format (what a notebook shows), when IPython is installed."""
    python = Path(sys.base_prefix) / "bin" / "python"
    probe = run([str(python), "-c", "import IPython"])
    if probe.returncode != 0:
        return
    for name in ("py_simple.py", "py_chained_cause.py", "py_syntax_error.py"):
        out = run([str(python), "-m", "IPython", "--colors=NoColor", "--no-banner", name])
        tag = name.removeprefix("py_").replace(".py", ".txt")
        (HERE / f"ipython_{tag}").write_text(out.stdout + out.stderr)


def other_interpreters() -> None:
    """The same programs under older and newer Pythons (3.8: no carets; 3.13: new caret
    placement, and colour when FORCE_COLOR is set as CI runners do), when pyenv has them."""
    versions = Path(sys.base_prefix).parent
    programs = ["py_simple.py", "py_chained_cause.py", "py_syntax_error.py", "py_recursion.py"]
    for version, tag in (("3.8", "py38"), ("3.13", "py313")):
        found = sorted(versions.glob(f"{version}.*/bin/python"))
        if not found:
            continue
        for name in programs:
            out = run([str(found[-1]), name]).stderr
            (HERE / f"{tag}_{name.removeprefix('py_')}".replace(".py", ".txt")).write_text(out)
        env = {**os.environ, "FORCE_COLOR": "1"}
        coloured = subprocess.run(
            [str(found[-1]), "py_keyerror.py"],
            cwd=PROJ,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )
        if "\x1b[" in coloured.stderr:
            (HERE / f"{tag}_keyerror_color.txt").write_text(coloured.stderr)


def write_issues() -> None:
    """Free text around real tracebacks: an issue as a user would paste it, and the same traceback
    as it looks from inside a container (the project mounted at /app)."""
    keyerror = (HERE / "py_keyerror.txt").read_text()
    issue = (
        "### Checkout crashes for some users\n\n"
        "Since Tuesday's deploy, checkout fails intermittently in production (we never saw it on\n"
        "staging). It seems to happen only under load, maybe 1 request in 50.\n\n"
        "Environment: Python 3.11.7 on Ubuntu 22.04, Django 4.2, running in Docker.\n\n"
        "```\n" + keyerror + "```\n\n"
        "Steps: add a widget to the cart and apply the GADGET coupon. Expected the order total,\n"
        "got a 500. Any idea? Happy to share more logs.\n"
    )
    (HERE / "issue_with_traceback.txt").write_text(issue)
    (HERE / "issue_docker_paths.txt").write_text(issue.replace(str(PROJ), "/app"))


if __name__ == "__main__":
    main()

"""pydevd patches that keep a hot loop's injected probes cheap once their budget is spent.

The live session gives each probe a hit budget in its hit condition, `@HIT@ <= 100 and (...)`
(live/probes.py). In a loop that holds the GIL, pydevd's writer thread sends little until the
loop ends, so the proxy may see the budget spent only then and its removal of the probe comes
too late: the program has to stop checking a spent probe itself. Three patches, in the debuggee
only (loaded by `_smart_debug_nodelay`'s finder when pydevd imports these modules):

- `LineBreakpoint.handle_hit_condition` (`_pydevd_bundle.pydevd_breakpoints`): pydevd replaces
  `@HIT@` with the count and calls `eval` on the new string on every hit, a compile each time.
  A hit condition whose top level is `@HIT@ <= N` or `@HIT@ <= N and ...` is False for every
  count above N without evaluating anything after the first operand (Python's `and` stops at
  the first false operand), so past N the patch answers False at once: exactly what `eval`
  would have answered, for anyone's breakpoint. Any other hit condition goes to pydevd as is.
- `LineBreakpoint.expression` (same module): pydevd evaluates a logpoint's message on every hit,
  before it asks the hit condition, and prints it only when that holds. For smart-debug's own
  probes (the message carries the `@@sd:` tag) a spent budget skips it: nothing would print it,
  and an injected message only reads. A spent probe also leaves the table pydevd's tracer reads
  (`leave_tracer_view`), so a file whose probes are all spent is no longer traced. A logpoint
  of the user's keeps pydevd's behaviour exactly (its message may call code that has effects).
- `WriterThread.empty` (`_pydevd_bundle.pydevd_comm`): when the program ends, pydevd waits up to
  0.5 s for its writer's queue to empty in a loop that never releases the GIL, so the writer
  sends a message per switch interval and a backlog of probe output holds the exit for the
  whole 0.5 s (then what is left may be lost). Asked while messages wait, `empty` now sleeps a
  millisecond, which lets the writer run.

Standard library only, Python 3.8 syntax; a patch that fails leaves pydevd's own code in place.
"""

# ruff: noqa: SIM105 - try/except/pass on purpose: no contextlib import in the user's process

PATCHED_MARK = "__smart_debug_pydevd__"
_HIT = "@HIT@"
_TAG = "@@sd:"  # starts the message of every probe the live session injects (live/probes.py)
_NAME = "_smart_debug_hit_"  # stands for @HIT@ while the text is parsed
_MAX_CACHED = 4096  # distinct hit conditions remembered (a program has a few)

_EXPRESSION = "_smart_debug_expression"  # where a patched breakpoint keeps its message

_limits = {}  # type: dict[str, int | None]


def spent_after(hit_condition):
    """N when `hit_condition` is `@HIT@ <= N` or an `and` chain that starts with it, else None."""
    try:
        return _limits[hit_condition]
    except KeyError:
        pass
    limit = _parse_limit(hit_condition)
    if len(_limits) >= _MAX_CACHED:
        _limits.clear()
    _limits[hit_condition] = limit
    return limit


def _parse_limit(hit_condition):
    import ast

    if not isinstance(hit_condition, str) or _NAME in hit_condition:
        return None
    try:
        tree = ast.parse(hit_condition.replace(_HIT, _NAME).strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And):
        tree = tree.values[0]
    if not (
        isinstance(tree, ast.Compare)
        and isinstance(tree.left, ast.Name)
        and tree.left.id == _NAME
        and len(tree.ops) == 1
        and isinstance(tree.ops[0], ast.LtE)
        and isinstance(tree.comparators[0], ast.Constant)
        and type(tree.comparators[0].value) is int
    ):
        return None
    return tree.comparators[0].value


def leave_tracer_view(breakpoint):
    """Take a spent probe out of the table pydevd's tracer reads (`py_db.breakpoints`, file ->
    line -> breakpoint), so its line is no longer checked, and once a file has no breakpoint
    left pydevd stops tracing the frames running in it. The table of record
    (`file_to_id_to_line_breakpoint`) keeps it until the proxy's next setBreakpoints for the
    file, which builds the tracer's table anew.

    pydevd replaces a file's line table whole (consolidate_breakpoints) and never changes one in
    place, so removing the line from the table that holds this very breakpoint cannot undo a
    newer setBreakpoints: a replaced table is no longer read. One `pop` is atomic under the GIL.
    """
    from _pydevd_bundle.pydevd_constants import get_global_debugger

    py_db = get_global_debugger()
    tables = getattr(py_db, "breakpoints", None)
    line = getattr(breakpoint, "line", None)
    if not isinstance(tables, dict) or line is None:
        return
    for lines in list(tables.values()):  # list(): one atomic copy while pydevd adds files
        if isinstance(lines, dict) and lines.get(line) is breakpoint:
            lines.pop(line, None)


def patch_pydevd_breakpoints(module):
    """A spent `@HIT@ <= N` answers False at once; a spent probe of ours is not evaluated and
    leaves the tracer's table."""
    cls = module.LineBreakpoint
    if getattr(cls, PATCHED_MARK, False):
        return
    original = cls.handle_hit_condition

    def spent(self):
        # the count only grows, so once it reached N every later hit is past it. Read with
        # defaults: an error here would reach pydevd as a failing condition, which pauses
        text = getattr(self, "hit_condition", None)
        if not text or not hasattr(self, "_hit_condition_lock"):
            return False
        limit = spent_after(text)
        return limit is not None and getattr(self, "_hit_count", -1) >= limit

    def handle_hit_condition(self, frame):
        if spent(self):
            with self._hit_condition_lock:
                self._hit_count += 1
            if is_probe(self):
                try:
                    leave_tracer_view(self)
                except Exception:
                    pass  # pydevd changed shape: the probe stays checked, and answered at once
            return False
        return original(self, frame)

    def stored_expression(self):
        # an instance made before the patch keeps its own attribute
        values = self.__dict__
        return values.get(_EXPRESSION, values.get("expression"))

    def is_probe(self):
        expression = stored_expression(self)
        return expression is not None and _TAG in expression

    # pydevd reads `expression` (a logpoint's message) before it counts the hit: None means
    # "nothing to evaluate"
    def get_expression(self):
        if is_probe(self) and spent(self):
            return None
        return stored_expression(self)

    def set_expression(self, value):
        self.__dict__[_EXPRESSION] = value

    cls.handle_hit_condition = handle_hit_condition
    cls.expression = property(get_expression, set_expression)
    setattr(cls, PATCHED_MARK, True)


WRITER_YIELD = 0.001  # seconds: what `empty` gives the writer when it still has messages


def patch_pydevd_comm(module):
    """WriterThread.empty lets the writer run when its queue is not empty yet."""
    cls = module.WriterThread
    if getattr(cls, PATCHED_MARK, False):
        return
    original = cls.empty
    import time

    sleep = time.sleep  # bound now: at interpreter shutdown module globals may be gone

    def empty(self):
        if original(self):
            return True
        sleep(WRITER_YIELD)  # releases the GIL: the writer sends what waits
        return False

    cls.empty = empty
    setattr(cls, PATCHED_MARK, True)

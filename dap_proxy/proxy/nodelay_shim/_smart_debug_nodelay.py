"""Set TCP_NODELAY on the sockets debugpy and pydevd open (debugpy issue #2054), and hook in
smart-debug's other pydevd patches (`_smart_debug_pydevd.py`).

Loaded in three kinds of processes: debugpy's adapter (by `dap_proxy.proxy.nodelay`), and the
launcher and the debuggee (by the `sitecustomize.py` next to this file, which smart-debug puts
first on PYTHONPATH). It only patches three debugpy modules, when they are imported:

- `debugpy.common.sockets` (adapter and launcher): every socket from `_new_sock` (listeners and
  outgoing connections) and every socket `serve` accepts gets TCP_NODELAY; accepted sockets also
  re-arm TCP_QUICKACK after each receive (Linux), for peers that keep Nagle on (a debuggee
  started by the user for attach).
- `_pydevd_bundle.pydevd_comm` (debuggee): the sockets `start_client` / `start_server` return.
- `_pydevd_bundle.pydevd_breakpoints` and `pydevd_comm` again (debuggee): the patches of
  `_smart_debug_pydevd.py`, next to this file, that keep a hot loop's spent probes cheap.

The user's own sockets are never touched. This file runs under the user's interpreter, which may be
older than the proxy's and cannot import smart-debug, so it uses the standard library only and
Python 3.8 syntax. Every failure falls back silently to debugpy's stock behaviour: a missing
optimisation must never break a debug session.
"""

# ruff: noqa: SIM105 - try/except/pass on purpose: no contextlib import in the user's process
import sys

PATCHED_MARK = "__smart_debug_nodelay__"


def set_nodelay(sock):
    """Disable Nagle's algorithm on a TCP socket; return the socket (anything else is left)."""
    import socket

    try:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (AttributeError, OSError):
        pass  # not a TCP socket, or the platform refuses: keep debugpy's behaviour
    return sock


def _quickack_socket_class():
    """A socket subclass that re-arms TCP_QUICKACK after every receive (Linux only), or None."""
    import socket

    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is None:
        return None

    class QuickAckSocket(socket.socket):
        # Same layout as socket.socket, so an accepted socket can take this class in place.
        __slots__ = ()

        def recv_into(self, *args, **kwargs):
            received = super().recv_into(*args, **kwargs)
            try:
                # Linux sends a pending delayed ACK at once when this is set: the peer's Nagle
                # (a debuggee we did not start) releases its next segment without waiting 40 ms.
                self.setsockopt(socket.IPPROTO_TCP, quickack, 1)
            except OSError:
                pass
            return received

    return QuickAckSocket


# Built on first use, so the socket module is imported only when needed.
_quickack_class = []  # type: list[type | None]


def quickack(sock):
    """Make `sock` acknowledge what it receives at once (Linux); return it."""
    import socket

    if not _quickack_class:
        _quickack_class.append(_quickack_socket_class())
    cls = _quickack_class[0]
    if cls is not None and type(sock) is socket.socket:
        try:
            sock.__class__ = cls
        except TypeError:
            pass
    return sock


def patch_debugpy_sockets(module):
    """debugpy.common.sockets: new sockets and accepted connections get TCP_NODELAY."""
    if getattr(module, PATCHED_MARK, False):
        return
    original_new_sock = module._new_sock
    original_serve = module.serve

    def _new_sock(*args, **kwargs):
        return set_nodelay(original_new_sock(*args, **kwargs))

    def serve(name, handler, *args, **kwargs):
        # Linux copies TCP_NODELAY from the listener to accepted sockets, other systems may
        # not: set it on each accepted connection before debugpy sees it.
        def nodelay_handler(sock):
            return handler(quickack(set_nodelay(sock)))

        return original_serve(name, nodelay_handler, *args, **kwargs)

    module._new_sock = _new_sock
    module.serve = serve
    setattr(module, PATCHED_MARK, True)


def patch_pydevd_comm(module):
    """pydevd's connection to the adapter (both directions of set-up) gets TCP_NODELAY."""
    if getattr(module, PATCHED_MARK, False):
        return
    original_start_client = module.start_client
    original_start_server = module.start_server

    def start_client(*args, **kwargs):
        return set_nodelay(original_start_client(*args, **kwargs))

    def start_server(*args, **kwargs):
        return set_nodelay(original_start_server(*args, **kwargs))

    # pydevd.py does `from _pydevd_bundle.pydevd_comm import start_client` right after this
    # module finished loading, so replacing the attributes now is what pydevd will call.
    module.start_client = start_client
    module.start_server = start_server
    setattr(module, PATCHED_MARK, True)


def _pydevd_patch(name):
    """A patch from `_smart_debug_pydevd` (probes past their budget, the writer at exit)."""

    def patch(module):
        # imported here: it sits next to this file on the debuggee's PYTHONPATH, and only the
        # debuggee imports pydevd (the adapter loads this file from its package)
        import _smart_debug_pydevd

        getattr(_smart_debug_pydevd, name)(module)

    return patch


# module name -> the patches applied to it, each on its own (one failing leaves the others)
TARGETS = {
    "debugpy.common.sockets": [patch_debugpy_sockets],
    "_pydevd_bundle.pydevd_comm": [patch_pydevd_comm, _pydevd_patch("patch_pydevd_comm")],
    "_pydevd_bundle.pydevd_breakpoints": [_pydevd_patch("patch_pydevd_breakpoints")],
}


def apply(patches, module):
    for patch in patches:
        try:
            patch(module)
        except Exception:
            pass  # debugpy changed shape: run it unpatched rather than fail


class _PatchingLoader:
    """Delegates to the real loader, then applies the patch to the freshly executed module."""

    def __init__(self, loader, patches):
        self._loader = loader
        self._patches = patches

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        apply(self._patches, module)

    def __getattr__(self, name):
        # get_source, get_filename, is_package ... (linecache, inspect, pydevd itself)
        return getattr(self._loader, name)


class NodelayFinder:
    """A meta-path finder that only intercepts the modules in TARGETS."""

    # Recognised by this mark, not by class: the adapter may load this file twice (as a
    # package module and through the shim's sitecustomize), and two finders that each delegated
    # to the other would recurse.
    __smart_debug_nodelay__ = True

    def find_spec(self, name, path=None, target=None):
        patches = TARGETS.get(name)
        if patches is None:
            return None
        spec = None
        for finder in list(sys.meta_path):
            if getattr(finder, PATCHED_MARK, False):
                continue
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec = find_spec(name, path, target)
            if spec is not None:
                break
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _PatchingLoader(spec.loader, patches)
        return spec


def install():
    """Patch the target modules already imported and those imported from now on. Idempotent."""
    for name, patches in TARGETS.items():
        module = sys.modules.get(name)
        if module is not None:
            apply(patches, module)
    if not any(getattr(finder, PATCHED_MARK, False) for finder in sys.meta_path):
        sys.meta_path.insert(0, NodelayFinder())

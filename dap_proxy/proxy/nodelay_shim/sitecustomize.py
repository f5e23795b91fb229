"""smart-debug's sitecustomize: TCP_NODELAY for debugpy, then the user's own sitecustomize.

smart-debug puts this directory first on PYTHONPATH of the processes debugpy starts for a launch
(see dap_proxy/proxy/nodelay.py). Python imports the first `sitecustomize` it finds, which would
hide the user's (a PYTHONPATH entry, site-packages, or the distribution's one), so after installing
the TCP_NODELAY hook this file finds the next `sitecustomize` on sys.path and executes it as
`sitecustomize`, exactly as `site` would have. Its errors propagate to `site`, which reports them
the way it always does.
"""

import os
import sys


def _install_nodelay():
    try:
        import _smart_debug_nodelay

        _smart_debug_nodelay.install()
    except Exception:
        pass  # never let an optimisation stop the user's program


def _chain_user_sitecustomize():
    import importlib.machinery
    import importlib.util

    here = os.path.normcase(os.path.abspath(os.path.dirname(__file__)))
    # Every entry except this directory (it may appear more than once when a debuggee starts a
    # child under debugpy): the remaining order is what Python would have searched without us.
    rest = [
        entry for entry in sys.path if os.path.normcase(os.path.abspath(entry or os.curdir)) != here
    ]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_install_nodelay()
_chain_user_sitecustomize()

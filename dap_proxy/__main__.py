"""`python -m dap_proxy`: the debug adapter on stdio (same as `smart-debug dap`)."""

import sys

from dap_proxy.cli import main

if __name__ == "__main__":
    sys.exit(main(["dap", *sys.argv[1:]]))

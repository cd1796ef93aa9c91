#!/usr/bin/env bash
# Installs what the end-to-end tests need, skipping whatever is already there (safe to run again):
#   Debian: chromium (driven by playwright-core), libkrb5-dev (code-server's kerberos addon builds against it),
#           ripgrep (seeds @vscode/ripgrep, whose postinstall would otherwise download from GitHub), neovim (0.7.2);
#   npm:    code-server 4.100.3 (VS Code 1.100.3, runs on Node 20) and playwright-core, into test/e2e/node_modules.
# Needs root or sudo for apt-get; network: Debian mirrors and the npm registry only.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
T0=$SECONDS
log() { printf '[setup %3ds] %s\n' $((SECONDS - T0)) "$*"; }

# 1) Debian packages
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for pkg in chromium libkrb5-dev ripgrep neovim; do installed "$pkg" || missing+=("$pkg"); done
if ((${#missing[@]})); then
  SUDO=()
  if [ "$(id -u)" != 0 ]; then SUDO=(sudo); fi
  log "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
else
  log "Debian packages present: chromium libkrb5-dev ripgrep neovim"
fi

# 2) @vscode/ripgrep@1.15.11 (a code-server dependency) looks for its download in this cache first
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RG_TARBALL="$RG_CACHE/ripgrep-v13.0.0-10-$(uname -m)-unknown-linux-musl.tar.gz"
if [ ! -s "$RG_TARBALL" ]; then
  mkdir -p "$RG_CACHE"
  tar czf "$RG_TARBALL" -C /usr/bin rg
  log "seeded $RG_TARBALL from Debian's rg"
fi

# 3) code-server + playwright-core, at the exact versions of test/e2e/package.json
cd "$HERE"
versions_ok() {
  node -e '
    const want = require("./package.json").devDependencies;
    for (const [name, version] of Object.entries(want)) {
      let have; try { have = require(`./node_modules/${name}/package.json`).version; } catch { process.exit(1); }
      if (have !== version) process.exit(1);
    }' 2>/dev/null && [ -x node_modules/.bin/code-server ]
}
if versions_ok; then
  log "test/e2e/node_modules up to date"
else
  log "npm install in test/e2e (code-server is ~300 MB of node_modules)"
  # running as root: scripts need unsafe_perm; node-pty's postinstall runs npx, which must not prompt.
  # nodedir: build native addons against the installed Node headers instead of downloading them.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$(dirname "$(dirname "$(command -v node)")")/include/node/node.h" ]; then
    export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
  fi
  export npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
  if [ -f package-lock.json ]; then npm ci --no-progress; else npm install --no-progress; fi
  versions_ok || { echo "setup: code-server/playwright-core not at the pinned versions after npm install" >&2; exit 1; }
fi
# report versions without writing to ~ (code-server and nvim create config/log files at first start)
SCRATCH="$(mktemp -d)"; trap 'rm -rf "$SCRATCH"' EXIT
quiet_home() { HOME="$SCRATCH" XDG_CONFIG_HOME="$SCRATCH" XDG_DATA_HOME="$SCRATCH" XDG_STATE_HOME="$SCRATCH" XDG_CACHE_HOME="$SCRATCH" "$@"; }
log "code-server $(quiet_home node_modules/.bin/code-server --version 2>/dev/null | grep -m1 -o '^[0-9][^ ]* [0-9a-f]*' || echo '?')"
log "$(quiet_home nvim --version | head -1), $(quiet_home chromium --version 2>/dev/null | head -1)"
log "done"

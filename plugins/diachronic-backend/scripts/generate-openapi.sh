#!/usr/bin/env bash
# Regenerates what follows from src/schema/openapi.yaml: first the request bodies' schemas in it (from the
# shared zod schemas), then the typed router and its models (src/schema/openapi/generated) with Backstage's
# repo-tools. Run from anywhere: plugins/diachronic-backend/scripts/generate-openapi.sh
set -euo pipefail
plugin="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$plugin/../.." && pwd)"
cd "$plugin"
"$root/scripts/with-node.sh" node --require @backstage/cli/config/nodeTransform.cjs scripts/openapi-request-bodies.ts
# repo-tools runs its lint and prettier steps through yarn; this repository uses npm.
shim="$(mktemp -d)"
trap 'rm -rf "$shim"' EXIT
printf '#!/bin/sh\nexec npx --no-install "$@"\n' > "$shim/yarn"
chmod +x "$shim/yarn"
PATH="$shim:$PATH" "$root/scripts/with-node.sh" npx --no-install backstage-repo-tools package schema openapi generate --server
# The frontend plugin's client, from the same description. Its generated file imports every response's model,
# the error bodies' too, which it never uses: type-checked by its callers, not in itself.
PATH="$shim:$PATH" "$root/scripts/with-node.sh" npx --no-install backstage-repo-tools package schema openapi generate --client-package plugins/diachronic
client="$root/plugins/diachronic/src/schema/openapi/generated/apis/Api.client.ts"
grep -q '^// @ts-nocheck' "$client" || sed -i '1i // @ts-nocheck' "$client"

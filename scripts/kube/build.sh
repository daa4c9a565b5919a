#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy, once, into .tools/kube/<k8s-version>/bin/.
# No registry ships these binaries, so they are built from source; a cold build takes 10–20 minutes
# on 2 cores, a repeated run returns at once. Go's module and build caches (GOMODCACHE, GOCACHE) are
# reused and can be pointed elsewhere through the environment as usual.
set -euo pipefail

# scripts/lib/kube.mjs reads KUBE_VERSION from this line to find the binaries.
KUBE_VERSION=v1.37.2
# The etcd minor that Kubernetes 1.37 is released against (build/dependencies.yaml), newest patch.
ETCD_VERSION=v3.7.3

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tools="$root/.tools/kube"
bin="$tools/$KUBE_VERSION/bin"
# The etcd pin may change without the Kubernetes one; this stamp says which etcd is in bin/.
etcd_stamp="$tools/$KUBE_VERSION/etcd.version"

if [[ -x "$bin/kube-apiserver" && -x "$bin/etcd" && "$(cat "$etcd_stamp" 2>/dev/null)" == "$ETCD_VERSION" ]]; then
  echo "kube-apiserver $KUBE_VERSION and etcd $ETCD_VERSION are already built in ${bin#"$root/"}"
  exit 0
fi

go=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
[[ -x "$go" ]] || { echo "build.sh: no Go toolchain found (put go on PATH or set GO)" >&2; exit 1; }

# Everything comes from the configured module proxy (checksums through the same proxy), never straight
# from a VCS host: the ",direct" fallback of Go's default setting is dropped.
export GOPROXY="${GOPROXY:-$("$go" env GOPROXY)}"
GOPROXY="${GOPROXY%,direct}"
if [[ ",$GOPROXY," == *",direct,"* || ",$GOPROXY," == *"|direct,"* ]]; then
  echo "build.sh: GOPROXY=$GOPROXY allows direct VCS downloads; use a module proxy only" >&2
  exit 1
fi
export GONOPROXY='' GOPRIVATE=''
# go.mod here is generated and may gain go.sum entries while building.
export GOFLAGS="-mod=mod ${GOFLAGS:-}"
export CGO_ENABLED=0

started=$SECONDS
say() { printf '[kube build %3ds] %s\n' $((SECONDS - started)) "$*"; }

say "Go $("$go" env GOVERSION), GOPROXY=$GOPROXY, GOMODCACHE=$("$go" env GOMODCACHE), GOCACHE=$("$go" env GOCACHE)"

# download_gomod MODULE@VERSION: fetches the module and prints the path of its go.mod.
download_gomod() {
  "$go" mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

# Writes a throwaway main module in DIR that requires MODULE@VERSION under the go directive of
# that module's own go.mod, followed by any extra lines (replace blocks).
write_builder_module() {
  local dir=$1 module=$2 version=$3 gomod=$4 extra=${5:-}
  mkdir -p "$dir"
  {
    echo "module diachronic.dev/tools/$(basename "$dir")"
    echo
    grep -m1 '^go ' "$gomod"
    echo
    echo "require $module $version"
    [[ -z "$extra" ]] || printf '\n%s\n' "$extra"
  } >"$dir/go.mod"
}

# build DIR PACKAGE NAME [LDFLAGS]: builds PACKAGE inside the module in DIR to bin/NAME, atomically.
build() {
  local dir=$1 package=$2 name=$3 ldflags=${4:-}
  mkdir -p "$bin"
  (cd "$dir" && "$go" build -trimpath -ldflags="-s -w $ldflags" -o "$bin/.$name.partial" "$package")
  mv -f "$bin/.$name.partial" "$bin/$name"
}

if [[ ! -x "$bin/kube-apiserver" ]]; then
  say "downloading k8s.io/kubernetes@$KUBE_VERSION"
  kube_gomod=$(download_gomod "k8s.io/kubernetes@$KUBE_VERSION")
  # k8s.io/kubernetes replaces its staging modules (k8s.io/api, k8s.io/apiserver, ...) with
  # directories that are not part of its module zip; each is published as v0.<minor>.<patch>.
  staging_version="v0.${KUBE_VERSION#v1.}"
  replaces=$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/src/.*$#\t\1 => \1 '"$staging_version"'#p' "$kube_gomod")
  [[ -n "$replaces" ]] || { echo "build.sh: no staging replace lines found in $kube_gomod" >&2; exit 1; }
  src="$tools/src/kube-apiserver-$KUBE_VERSION"
  write_builder_module "$src" k8s.io/kubernetes "$KUBE_VERSION" "$kube_gomod" "replace (
$replaces
)"
  say "building kube-apiserver $KUBE_VERSION with $(wc -l <<<"$replaces") staging modules at $staging_version (slow the first time)"
  # What hack/lib/version.sh stamps into a release, so /version reports the real version.
  minor=${KUBE_VERSION#v1.}
  minor=${minor%%.*}
  version_ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    version_ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    version_ldflags+=" -X $pkg.gitTreeState=clean"
  done
  build "$src" k8s.io/kubernetes/cmd/kube-apiserver kube-apiserver "$version_ldflags"
  say "built ${bin#"$root/"}/kube-apiserver"
else
  say "kube-apiserver $KUBE_VERSION is already built"
fi

if [[ ! -x "$bin/etcd" || "$(cat "$etcd_stamp" 2>/dev/null)" != "$ETCD_VERSION" ]]; then
  say "downloading go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  etcd_gomod=$(download_gomod "go.etcd.io/etcd/server/v3@$ETCD_VERSION")
  src="$tools/src/etcd-$ETCD_VERSION"
  write_builder_module "$src" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "$etcd_gomod"
  say "building etcd $ETCD_VERSION"
  # The module's root package is etcd's main (the same etcdmain.Main the release binary runs).
  build "$src" go.etcd.io/etcd/server/v3 etcd
  echo "$ETCD_VERSION" >"$etcd_stamp"
  say "built ${bin#"$root/"}/etcd"
fi

say "done: $("$bin/etcd" --version | head -n1); kube-apiserver $("$bin/kube-apiserver" --version | sed 's/^Kubernetes //')"

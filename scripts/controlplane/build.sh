#!/usr/bin/env bash
# Build Kubernetes (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# and for the real world of tier 5 also kubeadm, kubelet and kube-proxy), etcd and kwok
# from the Go module proxy, into a cache folder outside the repo. Tier 3 and tier 5
# share this one build (scripts/realworld/ reads the same bin dir). Idempotent: on a warm cache it exits at once without
# running go.
#
#   scripts/controlplane/build.sh            # build if needed, print the bin dir
#   scripts/controlplane/build.sh --print-dir  # only print the bin dir (no build)
#   scripts/controlplane/build.sh --force      # rebuild everything
#
# Env: KINDLAB_CP_CACHE (cache root, default ~/.cache/kindlab-controlplane),
#      GO (go binary), GOMODCACHE/GOCACHE (left to go's defaults unless set),
#      KINDLAB_CP_BUILD_P (go build -p, default 2).
set -euo pipefail

# ---- versions (bump here; the cache folder and stamps are keyed by them) ----
K8S_VERSION=v1.35.8        # kindest/node:v1.35.8
STAGING_VERSION=v0.35.8    # k8s.io/<staging module> tags for K8S_VERSION
ETCD_VERSION=v3.6.16       # newest 3.6.x on the proxy; k8s 1.35 ships etcd 3.6
KWOK_VERSION=v0.8.0
BUILD_REV=2                # bump when this script's build recipe changes

CACHE_ROOT=${KINDLAB_CP_CACHE:-${HOME:?HOME is not set}/.cache/kindlab-controlplane}
CP_DIR="$CACHE_ROOT/k8s-$K8S_VERSION"
BIN="$CP_DIR/bin"
STAGES="$CP_DIR/stages"
SRC="$CP_DIR/src"
LOGS="$CP_DIR/logs"

K8S_STAMP="k8s=$K8S_VERSION staging=$STAGING_VERSION rev=$BUILD_REV"
ETCD_STAMP="etcd=$ETCD_VERSION rev=$BUILD_REV"
KWOK_STAMP="kwok=$KWOK_VERSION rev=$BUILD_REV"
ALL_STAMP="$K8S_STAMP; $ETCD_STAMP; $KWOK_STAMP"

K8S_BINS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubeadm kubelet kube-proxy)
STAGE_FILES=(
  node/fast/node-initialize.yaml
  node/heartbeat-with-lease/node-heartbeat-with-lease.yaml
  pod/fast/pod-ready.yaml
  pod/fast/pod-complete.yaml
  pod/fast/pod-delete.yaml
)

FORCE=0
case "${1:-}" in
  --print-dir) echo "$BIN"; exit 0 ;;
  --force) FORCE=1 ;;
  "") ;;
  -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
  *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
esac

stamp_ok() { # stamp_file expected
  [[ -f "$1" ]] && [[ "$(cat "$1")" == "$2" ]]
}
k8s_bins_present() {
  local b
  for b in "${K8S_BINS[@]}"; do [[ -x "$BIN/$b" ]] || return 1; done
}
stages_present() {
  local f
  for f in "${STAGE_FILES[@]}"; do [[ -s "$STAGES/$(basename "$f")" ]] || return 1; done
}
all_present() {
  k8s_bins_present && [[ -x "$BIN/etcd" && -x "$BIN/kwok" ]] && stages_present &&
    stamp_ok "$CP_DIR/.stamp" "$ALL_STAMP"
}

# ---- warm path: no go, no network ----
if [[ $FORCE == 0 ]] && all_present; then
  echo "controlplane: up to date ($BIN)" >&2
  echo "$BIN"
  exit 0
fi

die() { printf 'build.sh: ERROR: %b\n' "$*" >&2; exit 1; }
log() { echo "[build $(date +%H:%M:%S)] $*" >&2; }

GO=${GO:-$(command -v go || true)}
[[ -n "$GO" ]] || { [[ -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go; }
[[ -n "$GO" && -x "$GO" ]] || die "go not found (put go >= 1.26 on PATH or set GO=/path/to/go)"
GOVER=$("$GO" env GOVERSION) || die "cannot run '$GO env GOVERSION'"
GOMINOR=$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$GOVER")
[[ "$GOMINOR" =~ ^[0-9]+$ && "$GOMINOR" -ge 26 ]] || die "need go >= 1.26 (kwok $KWOK_VERSION requires it), found $GOVER"

mkdir -p "$BIN" "$STAGES" "$SRC" "$LOGS"

# One build at a time per cache folder (tests may call this concurrently).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CP_DIR/.lock"
  if ! flock -n 9; then
    log "another build holds $CP_DIR/.lock; waiting"
    flock 9
  fi
  if [[ $FORCE == 0 ]] && all_present; then echo "$BIN"; exit 0; fi
fi

export GOFLAGS="-mod=mod -buildvcs=false" GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}
P=${KINDLAB_CP_BUILD_P:-2}

TIME_BIN=""
[[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1 && TIME_BIN=/usr/bin/time

SUMMARY=()
# run_step NAME LOGFILE DIR cmd... : runs cmd in DIR with timing (+ peak RSS when GNU time exists)
run_step() {
  local name=$1 logf=$2 dir=$3; shift 3
  local t0 t1 rc=0 rss=""
  t0=$(date +%s.%N)
  if [[ -n "$TIME_BIN" ]]; then
    (cd "$dir" && "$TIME_BIN" -v -o "$logf.time" "$@") >>"$logf" 2>&1 || rc=$?
    rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$logf.time" 2>/dev/null || true)
  else
    (cd "$dir" && "$@") >>"$logf" 2>&1 || rc=$?
  fi
  t1=$(date +%s.%N)
  local secs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  if [[ $rc != 0 ]]; then
    echo "----- last 40 lines of $logf -----" >&2
    tail -n 40 "$logf" >&2
    die "$name failed (exit $rc) after ${secs}s; full log: $logf"
  fi
  log "$name: ${secs}s${rss:+, peak RSS ${rss} MiB}"
  SUMMARY+=("$(printf '%-28s %7ss%s' "$name" "$secs" "${rss:+  peak RSS ${rss} MiB}")")
}

# modinfo MOD@VER FIELD: download a module (zip + go.mod) and print a field of go mod download -json
modinfo() {
  local json
  json=$(cd "$SRC" && GOFLAGS='' "$GO" mod download -json "$1") || die "go mod download $1 failed: $json"
  if grep -q '"Error"' <<<"$json"; then die "go mod download $1: $(grep '"Error"' <<<"$json")"; fi
  sed -nE "s/^[[:space:]]*\"$2\": \"(.*)\",?\$/\1/p" <<<"$json" | head -n1
}

T_ALL0=$(date +%s)
MODCACHE=$("$GO" env GOMODCACHE)
dlsize() { du -sk "$MODCACHE/cache/download" 2>/dev/null | cut -f1 || echo 0; }
DL0=$(dlsize)
log "go: $GOVER ($GO), GOMODCACHE=$MODCACHE, GOCACHE=$("$GO" env GOCACHE), -p $P"
log "cache: $CP_DIR"

# ---------------------------------------------------------------- kubernetes
build_k8s() {
  local d="$SRC/k8s" lf="$LOGS/k8s.log"
  rm -rf "$d"; mkdir -p "$d"; : >"$lf"
  log "kubernetes $K8S_VERSION: generating wrapper module"
  local kkmod
  kkmod=$(modinfo "k8s.io/kubernetes@$K8S_VERSION" GoMod)
  [[ -f "$kkmod" ]] || die "could not locate go.mod of k8s.io/kubernetes@$K8S_VERSION"
  local goline godebug replaces n
  goline=$(grep -E '^go [0-9.]+$' "$kkmod" | head -n1)
  godebug=$(grep -E '^godebug ' "$kkmod" || true)
  # Every "k8s.io/X => ./staging/src/k8s.io/X" becomes "k8s.io/X => k8s.io/X $STAGING_VERSION".
  replaces=$(sed -nE "s#^[[:space:]]*(k8s\.io/[A-Za-z0-9._-]+)[[:space:]]+=>[[:space:]]+\./staging/src/(k8s\.io/[A-Za-z0-9._-]+)[[:space:]]*\$#\t\1 => \2 $STAGING_VERSION#p" "$kkmod")
  n=$(grep -c '=>' <<<"$replaces" || true)
  [[ "$n" -ge 20 ]] || die "found only $n staging replaces in $kkmod; k/k go.mod format changed?"
  # Any other (non-staging) replace in k/k's go.mod would need handling here.
  local other
  other=$(grep -E '=>' "$kkmod" | grep -v './staging/src/' || true)
  [[ -z "$other" ]] || die "k/k go.mod has non-staging replaces this script does not handle:\n$other"
  {
    echo "// Generated by kindlab scripts/controlplane/build.sh. Do not edit."
    echo "module kindlab.local/controlplane/k8s"
    echo
    echo "$goline"
    [[ -n "$godebug" ]] && echo "$godebug"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    for b in "${K8S_BINS[@]}"; do echo "tool k8s.io/kubernetes/cmd/$b"; done
    echo
    echo "replace ("
    echo "$replaces"
    echo ")"
  } >"$d/go.mod"
  log "kubernetes: $n staging replaces at $STAGING_VERSION; $goline${godebug:+; $godebug}"

  local builddate
  builddate=$(modinfo "k8s.io/kubernetes@$K8S_VERSION" Time)
  [[ -n "$builddate" ]] || builddate=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local major minor
  major=$(sed -E 's/^v([0-9]+)\..*/\1/' <<<"$K8S_VERSION")
  minor=$(sed -E 's/^v[0-9]+\.([0-9]+)\..*/\1/' <<<"$K8S_VERSION")
  # The proxy does not tell the git commit of a tag; report an all-zero commit.
  local commit=0000000000000000000000000000000000000000
  local ld="-s -w" p kv
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    for kv in "gitVersion=$K8S_VERSION" "gitMajor=$major" "gitMinor=$minor" \
              "gitTreeState=clean" "buildDate=$builddate" "gitCommit=$commit"; do
      ld+=" -X $p.$kv"
    done
  done
  local pkgs=()
  for b in "${K8S_BINS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done

  run_step "k8s: resolve+download" "$lf" "$d" "$GO" list -deps "${pkgs[@]}"
  mkdir -p "$d/out"
  run_step "k8s: go build (${#K8S_BINS[@]} binaries)" "$lf" "$d" \
      "$GO" build -p "$P" -trimpath -ldflags "$ld" -o "$d/out/" "${pkgs[@]}"
  for b in "${K8S_BINS[@]}"; do
    [[ -x "$d/out/$b" ]] || die "go build did not produce $b"
    mv -f "$d/out/$b" "$BIN/$b"
  done
  echo "$K8S_STAMP" >"$BIN/.k8s.stamp"
}

# ---------------------------------------------------------------------- etcd
build_etcd() {
  local d="$SRC/etcd" lf="$LOGS/etcd.log"
  rm -rf "$d"; mkdir -p "$d"; : >"$lf"
  local emod goline
  emod=$(modinfo "go.etcd.io/etcd/server/v3@$ETCD_VERSION" GoMod)
  goline=$(grep -E '^go [0-9.]+$' "$emod" | head -n1)
  cat >"$d/go.mod" <<EOF
// Generated by kindlab scripts/controlplane/build.sh. Do not edit.
module kindlab.local/controlplane/etcd

$goline

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
  cat >"$d/main.go" <<'EOF'
// Generated by kindlab scripts/controlplane/build.sh: same as etcd's server/main.go.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  run_step "etcd: resolve+download" "$lf" "$d" "$GO" list -deps .
  run_step "etcd: go build" "$lf" "$d" \
      "$GO" build -p "$P" -trimpath -ldflags "-s -w" -o "$d/etcd" .
  mv -f "$d/etcd" "$BIN/etcd"
  echo "$ETCD_STAMP" >"$BIN/.etcd.stamp"
}

# ---------------------------------------------------------------------- kwok
build_kwok() {
  local d="$SRC/kwok" lf="$LOGS/kwok.log"
  rm -rf "$d"; mkdir -p "$d"; : >"$lf"
  local kmod kdir goline godebug
  kmod=$(modinfo "sigs.k8s.io/kwok@$KWOK_VERSION" GoMod)
  kdir=$(modinfo "sigs.k8s.io/kwok@$KWOK_VERSION" Dir)
  goline=$(grep -E '^go [0-9.]+$' "$kmod" | head -n1)
  godebug=$(grep -E '^godebug ' "$kmod" || true)
  {
    echo "// Generated by kindlab scripts/controlplane/build.sh. Do not edit."
    echo "module kindlab.local/controlplane/kwok"
    echo
    echo "$goline"
    [[ -n "$godebug" ]] && echo "$godebug"
    echo
    echo "require sigs.k8s.io/kwok $KWOK_VERSION"
    echo
    echo "tool sigs.k8s.io/kwok/cmd/kwok"
  } >"$d/go.mod"
  run_step "kwok: resolve+download" "$lf" "$d" "$GO" list -deps sigs.k8s.io/kwok/cmd/kwok
  run_step "kwok: go build" "$lf" "$d" \
      "$GO" build -p "$P" -trimpath -ldflags "-s -w" -o "$d/kwok" sigs.k8s.io/kwok/cmd/kwok
  mv -f "$d/kwok" "$BIN/kwok"
  local f
  for f in "${STAGE_FILES[@]}"; do
    [[ -s "$kdir/kustomize/stage/$f" ]] || die "kwok stage file missing in module: $kdir/kustomize/stage/$f"
    install -m 0644 "$kdir/kustomize/stage/$f" "$STAGES/$(basename "$f")"
  done
  echo "$KWOK_STAMP" >"$BIN/.kwok.stamp"
}

rm -f "$CP_DIR/.stamp"
if [[ $FORCE == 1 ]] || ! stamp_ok "$BIN/.k8s.stamp" "$K8S_STAMP" || ! k8s_bins_present; then
  build_k8s
else
  log "kubernetes: up to date"
fi
if [[ $FORCE == 1 ]] || ! stamp_ok "$BIN/.etcd.stamp" "$ETCD_STAMP" || [[ ! -x "$BIN/etcd" ]]; then
  build_etcd
else
  log "etcd: up to date"
fi
if [[ $FORCE == 1 ]] || ! stamp_ok "$BIN/.kwok.stamp" "$KWOK_STAMP" || [[ ! -x "$BIN/kwok" ]] || ! stages_present; then
  build_kwok
else
  log "kwok: up to date"
fi

# quick sanity: the binaries run and report the expected versions
"$BIN/kube-apiserver" --version 2>&1 | grep -q "Kubernetes $K8S_VERSION" \
  || die "kube-apiserver --version does not report $K8S_VERSION: $("$BIN/kube-apiserver" --version 2>&1 | head -n1)"
"$BIN/etcd" --version >/dev/null 2>&1 || die "etcd --version failed"

echo "$ALL_STAMP" >"$CP_DIR/.stamp"
T_ALL1=$(date +%s)
log "summary (total $((T_ALL1 - T_ALL0))s; module downloads added $(( ($(dlsize) - DL0) / 1024 )) MiB to $MODCACHE/cache/download):"
for s in "${SUMMARY[@]}"; do echo "  $s" >&2; done
(cd "$BIN" && for b in "${K8S_BINS[@]}" etcd kwok; do
   printf '  %-26s %6s MiB\n' "$b" "$(( $(stat -c %s "$b") / 1048576 ))"; done) >&2
echo "$BIN"

#!/usr/bin/env bash
# The pinned manifests this world can have without GitHub: a release file at a tag is the same bytes
# as that file in the Go module zip of the same tag, so each pin whose repository is a Go module
# served by the proxy is copied from the module into $RW_CACHE/manifests. `kindlab manifests import`
# then verifies them against the pins exactly as it would a download. Calico's and ingress-nginx's
# repositories are not served (see ../../README.md): their pins are listed as unavailable.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

OUT="$RW_CACHE/manifests"

# GitHub repository → Go module path, for the repositories whose tags the proxy serves.
declare -A MODULE_OF=(
  [metallb/metallb]=go.universe.tf/metallb
  [cloudnativelabs/kube-router]=github.com/cloudnativelabs/kube-router/v2
  [traefik/traefik]=github.com/traefik/traefik/v3
)

export_manifests() {
  rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
  local pins
  pins=$(node "$RW_REPO/bin/kindlab.js" manifests list --json)
  local url sha repo tag path mod dir got
  while IFS=$'\t' read -r url sha; do
    # https://raw.githubusercontent.com/<owner>/<repo>/<tag>/<path>
    repo=$(cut -d/ -f4-5 <<<"$url")
    tag=$(cut -d/ -f6 <<<"$url")
    path=$(cut -d/ -f7- <<<"$url")
    mod=${MODULE_OF[$repo]:-}
    if [[ -z $mod ]]; then
      echo "unavailable here: $url ($repo is not a module the proxy serves)"
      continue
    fi
    dir=$(rw_moddir "$mod@$tag")
    [[ -f "$dir/$path" ]] || { echo "the module $mod@$tag has no $path"; return 1; }
    got=$(sha256sum "$dir/$path" | cut -d' ' -f1)
    if [[ $got != "$sha" ]]; then
      echo "MISMATCH: $mod@$tag $path has sha256 $got; the engine pins $sha"
      return 1
    fi
    cp "$dir/$path" "$OUT.tmp/$(basename "$path")"
    echo "$mod@$tag $path: sha256 $got, the engine's pin"
  done < <(jq -r '.manifests[] | [.url, .sha256] | @tsv' <<<"$pins")
  rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
}

rw_step manifests "$(node "$RW_REPO/bin/kindlab.js" manifests list --json | jq -c '[.manifests[] | [.url, .sha256]]' | sha256sum | cut -c1-16) rev$RW_REV" export_manifests
# The report: which module file matched which pin (tier 5 prints it).
grep -E 'sha256|unavailable' "$RW_LOGS/manifests.log" >&2 || true
echo "$OUT"

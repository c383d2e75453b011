#!/usr/bin/env bash
# Builds every image of images.list into the container engine: the stand-ins from images/<name>/ on
# the shared Debian tree, and FROM-scratch images of the static binaries. Writes the built references
# by where they go: $RW_STATE/images.txt (every image a node runs: what node-image.sh imports into
# the full node image), $RW_STATE/images-boot.txt (the boot role alone: the boot-only node image) and
# $RW_STATE/images-host.txt (the host role: never inside a node).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CP_BIN=$("$RW_REPO/scripts/controlplane/build.sh" --print-dir)
export DOCKER_BUILDKIT=0 # the classic builder needs no buildx and no network

# The static binaries: where each comes from, where it goes in the image, and its entrypoint.
declare -A STATIC_SRC=(
  [kube-apiserver]="$CP_BIN/kube-apiserver" [kube-controller-manager]="$CP_BIN/kube-controller-manager"
  [kube-scheduler]="$CP_BIN/kube-scheduler" [etcd]="$CP_BIN/etcd" [coredns]="$RW_OUT/coredns/coredns"
  [pause]="$RW_OUT/pause/pause" [metallb-controller]="$RW_OUT/metallb/controller"
  [metallb-speaker]="$RW_OUT/metallb/speaker" [traefik]="$RW_OUT/traefik/traefik"
)
declare -A STATIC_DEST=(
  [kube-apiserver]=/usr/local/bin/kube-apiserver [kube-controller-manager]=/usr/local/bin/kube-controller-manager
  [kube-scheduler]=/usr/local/bin/kube-scheduler [etcd]=/usr/local/bin/etcd [coredns]=/coredns [pause]=/pause
  [metallb-controller]=/controller [metallb-speaker]=/speaker [traefik]=/usr/local/bin/traefik
)

LAB_BASE="kindlab.local/labbase:rw$RW_REV"

# The lab tree as one image: every stand-in is a thin layer on it, so the tree is stored once.
import_labbase() {
  docker image rm -f "$LAB_BASE" >/dev/null 2>&1 || true
  tar -C "$RW_ROOTFS/lab" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL $RW_LABEL" - "$LAB_BASE"
}

# BusyBox from Debian's source package, with upstream's default configuration and statically linked.
build_busybox() {
  local d="$RW_CACHE/src/busybox" list="$RW_CACHE/src/busybox/sources.list"
  rm -rf "$d" && mkdir -p "$d/lists/partial"
  echo "deb-src ${KINDLAB_REAL_MIRROR:-http://deb.debian.org/debian} $DEBIAN_SUITE main" >"$list"
  local apt=(-o Dir::Etc::SourceList="$list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$d/lists" -o APT::Sandbox::User=root)
  (cd "$d" && apt-get "${apt[@]}" update -qq && apt-get "${apt[@]}" source --download-only busybox)
  local orig
  orig=$(ls "$d"/busybox_*.orig.tar.* | head -n1)
  tar -C "$d" -xf "$orig"
  local src
  src=$(find "$d" -maxdepth 1 -type d -name 'busybox-*' | head -n1)
  (cd "$src" && make defconfig >/dev/null && sed -i 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' .config &&
    make -j"${KINDLAB_REAL_BUILD_P:-2}" busybox >/dev/null)
  install -D -m 0755 "$src/busybox" "$RW_OUT/busybox/busybox"
  local usage
  usage=$("$RW_OUT/busybox/busybox" nc --help 2>&1 || true)
  grep -q -- '-lk' <<<"$usage" || { echo "busybox nc has no -lk: $usage"; return 1; }
}

build_pause() {
  mkdir -p "$RW_OUT/pause"
  gcc -Os -static -o "$RW_OUT/pause/pause" "$RW_HERE/files/pause.c"
  strip "$RW_OUT/pause/pause" || true
  "$RW_OUT/pause/pause" -v
}

# build_static NAME REF: FROM scratch, the binary at its upstream path, an empty /tmp.
build_static() {
  local name=$1 ref=$2 ctx="$RW_CTX/static-$1"
  local src=${STATIC_SRC[$name]:?no source for $name} dest=${STATIC_DEST[$name]}
  [[ -x $src ]] || { echo "missing binary $src"; return 1; }
  rm -rf "$ctx" && mkdir -p "$ctx/rootfs/tmp" "$ctx/rootfs$(dirname "$dest")"
  chmod 1777 "$ctx/rootfs/tmp"
  cp "$src" "$ctx/rootfs$dest"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL $RW_LABEL
ENTRYPOINT ["$dest"]
DOCKERFILE
  docker build -q --force-rm -t "$ref" "$ctx"
}

# build_standin NAME REF: images/NAME/ with the binaries and scripts it needs copied in.
build_standin() {
  local name=$1 ref=$2 ctx="$RW_CTX/$1"
  rm -rf "$ctx" && mkdir -p "$ctx" && cp -a "$RW_HERE/images/$name/." "$ctx/"
  case $name in
    # The same welcome and error pages as the root image: one copy in images/nginx/.
    nginx-unprivileged) cp "$RW_HERE/images/nginx/index.html" "$RW_HERE/images/nginx/50x.html" "$ctx/" ;;
    busybox) cp "$RW_OUT/busybox/busybox" "$ctx/busybox" ;;
    # FROM scratch: the binary, BusyBox for the shell and tools, the CA bundle of the shared tree
    # (for a pull-through cache's upstream).
    registry)
      cp "$RW_OUT/registry/registry" "$ctx/registry"
      cp "$RW_OUT/busybox/busybox" "$ctx/busybox"
      cp -L "$RW_ROOTFS/lab/etc/ssl/certs/ca-certificates.crt" "$ctx/ca-certificates.crt"
      ;;
    kube-proxy)
      cp "$CP_BIN/kube-proxy" "$ctx/kube-proxy"
      cp "$(rw_moddir "github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION")/build/image-assets/iptables-wrapper-installer.sh" "$ctx/"
      ;;
    kube-router)
      local mod
      mod=$(rw_moddir "github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION")
      cp "$RW_OUT/kube-router/kube-router" "$ctx/kube-router"
      cp "$mod/build/image-assets/cni-install" "$mod/build/image-assets/iptables-wrapper-installer.sh" "$ctx/"
      mkdir -p "$ctx/cni" && cp "$RW_OUT/cni/"{bridge,portmap,host-local,loopback} "$ctx/cni/"
      ;;
  esac
  chmod -R u+w "$ctx"
  docker build -q --force-rm --build-arg "BASE=$LAB_BASE" --label "$RW_LABEL" -t "$ref" "$ctx"
}

# Every image is rebuilt when any input changed: the stamp holds the list, the recipes' hash and the
# versions of what they are built from.
inputs_hash() {
  {
    cat "$RW_HERE/images.list" "$RW_HERE/images.sh"
    find "$RW_HERE/images" -type f -print0 | sort -z | xargs -0 sha256sum
    cat "$RW_STAMPS"/go-* "$RW_STAMPS"/rootfs-lab "$CP_BIN/.k8s.stamp" "$CP_BIN/.etcd.stamp" 2>/dev/null
  } | sha256sum | cut -c1-16
}

build_all() {
  import_labbase
  local list
  for list in images images-boot images-host; do : >"$RW_STATE/$list.txt.tmp"; done
  local build ref role
  while read -r build ref role; do
    [[ -z $build || $build == \#* ]] && continue
    case $role in
      boot | addon | lab | host) ;;
      *) echo "images.list: $ref has the role '$role'; give it boot, addon, lab or host"; return 1 ;;
    esac
    echo "== $ref ($build, $role)"
    if [[ $build == static:* ]]; then build_static "${build#static:}" "$ref"; else build_standin "$build" "$ref"; fi
    if [[ $role == host ]]; then
      echo "$ref" >>"$RW_STATE/images-host.txt.tmp"
    else
      echo "$ref" >>"$RW_STATE/images.txt.tmp"
      [[ $role == boot ]] && echo "$ref" >>"$RW_STATE/images-boot.txt.tmp"
    fi
  done <"$RW_HERE/images.list"
  # Every reference must now resolve: a build that printed an error and went on would be caught here.
  while read -r ref; do docker image inspect "$ref" >/dev/null || { echo "image $ref was not built"; return 1; }; done \
    < <(cat "$RW_STATE/images.txt.tmp" "$RW_STATE/images-host.txt.tmp")
  for list in images images-boot images-host; do mv "$RW_STATE/$list.txt.tmp" "$RW_STATE/$list.txt"; done
  docker image ls --filter "label=kindlab.realworld" --format '{{.Repository}}:{{.Tag}} {{.Size}}'
}

rw_step busybox "$DEBIAN_SUITE defconfig static rev$RW_REV" build_busybox
rw_step pause "$(sha256sum "$RW_HERE/files/pause.c" | cut -c1-16) rev$RW_REV" build_pause
# The stamp alone is not enough when the engine's data root was removed: check one image too.
hash=$(inputs_hash)
if ! docker image inspect "$LAB_BASE" >/dev/null 2>&1 || ! docker image inspect "$(awk '!/^#/ && NF {r=$2} END {print r}' "$RW_HERE/images.list")" >/dev/null 2>&1; then
  rm -f "$RW_STAMPS/images"
fi
# A world built before the roles were written has no per-role lists.
[[ -f "$RW_STATE/images-boot.txt" && -f "$RW_STATE/images-host.txt" ]] || rm -f "$RW_STAMPS/images"
rw_step images "$hash" build_all

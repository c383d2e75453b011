#!/usr/bin/env bash
# The Debian half of the real world: one debootstrap (bookworm, minbase), copied into the node's root
# file system and into the one shared by every stand-in image, each completed with apt inside a
# chroot. Downloaded .debs are kept in $RW_CACHE/debs, so a rebuild reads them from disk.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

MIRROR=${KINDLAB_REAL_MIRROR:-http://deb.debian.org/debian}
DEBS="$RW_CACHE/debs"
mkdir -p "$DEBS"

# What kind's own base image installs, without the storage drivers a lab does not use; Debian's runc.
NODE_PACKAGES=(systemd conntrack iptables nftables iproute2 ethtool util-linux mount kmod libseccomp2 pigz
  bash ca-certificates curl jq procps runc)
# One tree for every stand-in: nginx, PostgreSQL, curl, netshoot's tools, busybox, and what kube-proxy
# and kube-router call (iptables, ipset, conntrack, ipvsadm).
LAB_PACKAGES=(nginx-light postgresql-15 curl ca-certificates bind9-dnsutils netcat-openbsd telnet iproute2
  iputils-ping busybox zsh bash iptables ipset conntrack ipvsadm procps less)

debootstrap_base() {
  local dir="$RW_ROOTFS/base.tmp"
  rm -rf "$dir" "$RW_ROOTFS/base"
  debootstrap --variant=minbase --cache-dir="$DEBS" "$DEBIAN_SUITE" "$dir" "$MIRROR"
  mv "$dir" "$RW_ROOTFS/base"
}

# chroot_apt DIR PACKAGE... : apt-get install inside DIR, with /proc mounted and services kept off.
chroot_apt() {
  local dir=$1; shift
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 0755 "$dir/usr/sbin/policy-rc.d"
  mkdir -p "$dir/var/cache/apt/archives"
  mount -t proc proc "$dir/proc"
  mount --bind "$DEBS" "$dir/var/cache/apt/archives"
  local rc=0
  {
    chroot "$dir" apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get install -y -qq --no-install-recommends "$@"
  } || rc=$?
  umount "$dir/var/cache/apt/archives" || true
  umount "$dir/proc" || true
  rm -f "$dir/usr/sbin/policy-rc.d"
  rm -rf "$dir/var/lib/apt/lists/"*
  return $rc
}

# What no container of the world reads: documentation, translations, apt's caches, and the LLVM that
# only PostgreSQL's JIT loads (the stand-in turns JIT off). Saves about 300 MB in every node.
trim() {
  local dir=$1
  rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/* \
    "$dir"/var/cache/apt/*.bin "$dir"/var/cache/debconf/*-old "$dir"/var/log/*.log \
    "$dir"/usr/lib/x86_64-linux-gnu/libLLVM* "$dir"/usr/lib/x86_64-linux-gnu/libz3.so* \
    "$dir"/usr/lib/postgresql/*/lib/llvmjit* "$dir"/usr/lib/postgresql/*/lib/bitcode
}

derive() { # derive NAME PACKAGE...
  local name=$1; shift
  local dir="$RW_ROOTFS/$name.tmp"
  rm -rf "$dir" "$RW_ROOTFS/$name"
  cp -a "$RW_ROOTFS/base" "$dir"
  if [[ $name == lab ]]; then
    # The stand-in postgres image creates its cluster at start, as the upstream image does.
    mkdir -p "$dir/etc/postgresql-common"
    echo "create_main_cluster = false" >"$dir/etc/postgresql-common/createcluster.conf"
  fi
  chroot_apt "$dir" "$@"
  trim "$dir"
  mv "$dir" "$RW_ROOTFS/$name"
  du -sh "$RW_ROOTFS/$name"
}

command -v debootstrap >/dev/null || rw_die "debootstrap is missing (apt-get install debootstrap)"
rw_step rootfs-base "$DEBIAN_SUITE minbase rev$RW_REV" debootstrap_base
derive_node() { derive node "${NODE_PACKAGES[@]}"; }
derive_lab() { derive lab "${LAB_PACKAGES[@]}"; }
rw_step rootfs-node "$DEBIAN_SUITE ${NODE_PACKAGES[*]} trim1 rev$RW_REV" derive_node
rw_step rootfs-lab "$DEBIAN_SUITE ${LAB_PACKAGES[*]} trim1 rev$RW_REV" derive_lab

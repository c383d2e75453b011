#!/usr/bin/env bash
# The Debian packages the real world is built with, installed when missing (as root; the build
# machines reach Debian's archive): debootstrap for the trees, gcc and make for BusyBox and pause,
# bzip2 and xz for the source tarballs, jq for the runc wrapper and the spec edits, and Docker's
# engine itself (docker.sh starts it).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v jq >/dev/null || need+=(jq)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v make >/dev/null || need+=(make)
command -v bzip2 >/dev/null || need+=(bzip2)
command -v xz >/dev/null || need+=(xz-utils)
command -v dockerd >/dev/null || need+=(docker.io)
[[ -f /usr/lib/x86_64-linux-gnu/libc.a || -f /usr/lib/aarch64-linux-gnu/libc.a ]] || need+=(libc6-dev)
if ((${#need[@]})); then
  [[ $(id -u) == 0 ]] || rw_die "missing Debian packages ${need[*]}; install them (apt-get install ${need[*]}) or run as root"
  rw_log "installing ${need[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

#!/usr/bin/env bash
# Stop a control plane started by start.sh and remove its state dir.
#
#   scripts/controlplane/stop.sh [--keep] [STATE_DIR]   (default ${TMPDIR:-/tmp}/kindlab-cp)
#
# --keep (or KINDLAB_CP_KEEP=1) keeps the state dir (logs, certs, kubeconfig) after stopping.
# Sends SIGTERM to each component's process group, SIGKILL after KINDLAB_CP_STOP_GRACE seconds
# (default 1; the cluster is throwaway, so a quick SIGKILL is fine), then kills any component
# process left whose command line names the state dir.
# Exit 0 when nothing is left running (also when nothing was running).
set -euo pipefail

KEEP=${KINDLAB_CP_KEEP:-0}
STATE=""
for a in "$@"; do
  case "$a" in
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "stop.sh: unknown option $a" >&2; exit 2 ;;
    *) STATE=$a ;;
  esac
done
STATE=${STATE:-${TMPDIR:-/tmp}/kindlab-cp}
[[ "$STATE" == /* ]] || STATE="$PWD/$STATE"
STATE=${STATE%/}
GRACE=${KINDLAB_CP_STOP_GRACE:-1}
[[ "$GRACE" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "stop.sh: bad KINDLAB_CP_STOP_GRACE=$GRACE" >&2; exit 2; }
GRACE_MS=$(awk -v g="$GRACE" 'BEGIN{printf "%d", g*1000}')

if [[ ! -d "$STATE" ]]; then
  echo "stop.sh: $STATE does not exist; nothing to stop" >&2
  exit 0
fi
if [[ ! -f "$STATE/.kindlab-cp" ]]; then
  echo "stop.sh: ERROR: $STATE is not a kindlab control-plane state dir (no .kindlab-cp marker)" >&2
  exit 1
fi

# Is pid one of ours? A component binary (by argv[0]) whose command line names the state dir.
# This guards against pid reuse and never matches the shell scripts that called us.
ours() {
  local args=() a0
  [[ -r "/proc/$1/cmdline" ]] || return 1
  mapfile -d '' -t args <"/proc/$1/cmdline" 2>/dev/null || return 1
  [[ ${#args[@]} -gt 0 ]] || return 1
  a0=${args[0]##*/}
  case "$a0" in etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kwok) ;; *) return 1 ;; esac
  [[ "${args[*]}" == *"$STATE/"* ]]
}

# Processes (any pid) whose command line names the state dir: the safety net.
stragglers() {
  local d p
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    ours "$p" && echo "$p"
  done
  return 0
}

PGIDS=()
# Reverse start order: kwok, scheduler, KCM first, etcd last.
for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  f="$STATE/pids/$name.pid"
  [[ -f "$f" ]] || continue
  pid=$(cat "$f" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || continue
  if kill -0 "$pid" 2>/dev/null && ours "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    PGIDS+=("$pid")
  fi
done

# Any live (non-zombie) process left in our process groups?
group_alive() {
  local d st rest pgrp g
  [[ ${#PGIDS[@]} -gt 0 ]] || return 1
  for d in /proc/[0-9]*; do
    # `$(<file)` would abort the script under `set -e` when a process exits mid-scan; cat's
    # failure is caught by `|| continue`.
    rest=$(cat "$d/stat" 2>/dev/null) || continue
    rest=${rest##*) }            # drop "pid (comm) "
    read -r st _ pgrp _ <<<"$rest"
    [[ "$st" == Z ]] && continue
    for g in "${PGIDS[@]}"; do [[ "$pgrp" == "$g" ]] && return 0; done
  done
  return 1
}
ms() { echo $(( $(date +%s%N) / 1000000 )); }
if [[ ${#PGIDS[@]} -gt 0 ]]; then
  deadline=$(( $(ms) + GRACE_MS ))
  while group_alive && (( $(ms) < deadline )); do sleep 0.1; done
  for g in "${PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
fi

# Safety net: anything else still naming the state dir.
left=$(stragglers)
if [[ -n "$left" ]]; then
  # shellcheck disable=SC2086
  kill -KILL $left 2>/dev/null || true
fi
for _ in $(seq 1 50); do
  left=$(stragglers)
  if [[ -z "$left" ]] && ! group_alive; then break; fi
  sleep 0.1
done
if [[ -n "$(stragglers)" ]]; then
  echo "stop.sh: ERROR: processes still running: $(stragglers | tr '\n' ' ')" >&2
  exit 1
fi
rm -f "$STATE"/pids/*.pid

if [[ "$KEEP" == 1 ]]; then
  echo "stop.sh: stopped; kept $STATE" >&2
else
  rm -rf "$STATE"
  echo "stop.sh: stopped; removed $STATE" >&2
fi

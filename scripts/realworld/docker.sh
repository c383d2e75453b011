#!/usr/bin/env bash
# The container engine of the real world. When `docker info` answers, that engine is used as it is.
# Otherwise Debian's docker.io is installed (if missing) and dockerd is started by hand (these VMs
# have no systemd), with its data root in the cache so built images survive between runs. When this
# machine withholds a capability that privileged containers ask for, a runc wrapper that drops only
# the withheld ones becomes the default runtime (files/runc-wrapper.sh).
#
#   docker.sh start   (default)  make sure an engine answers
#   docker.sh stop               stop the dockerd this script started (nothing else)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PIDFILE="$RW_STATE/dockerd.pid"
DAEMON_JSON="$RW_STATE/daemon.json"
WRAPPER="$RW_BIN/kindlab-runc"

# Capability names by bit (linux/capability.h), to name what the bounding set lacks.
CAPS=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
  NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
  SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
  AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
  PERFMON BPF CHECKPOINT_RESTORE)

# The capabilities a privileged container would ask for that this machine does not grant, as JSON.
withheld_caps() {
  local bnd i out=()
  bnd=$((16#$(awk '/^CapBnd:/{print $2}' /proc/self/status)))
  for i in "${!CAPS[@]}"; do
    (( (bnd >> i) & 1 )) || out+=("\"CAP_${CAPS[$i]}\"")
  done
  local IFS=,
  echo "[${out[*]}]"
}

engine_up() { timeout 10 docker info >/dev/null 2>&1; }

install_engine() {
  local need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v jq >/dev/null || need+=(jq)
  command -v docker >/dev/null || need+=(docker.io)
  if ((${#need[@]})); then
    rw_log "installing ${need[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

write_config() {
  local drop=$1
  mkdir -p "$RW_DOCKER_ROOT"
  if [[ $drop == "[]" ]]; then
    printf '{\n  "data-root": "%s"\n}\n' "$RW_DOCKER_ROOT" >"$DAEMON_JSON"
  else
    sed -e "s|@DROP@|$drop|" -e "s|@RUNC@|$(command -v runc)|" "$RW_HERE/files/runc-wrapper.sh" >"$WRAPPER"
    chmod 0755 "$WRAPPER"
    printf '{\n  "data-root": "%s",\n  "runtimes": {"kindlab-runc": {"path": "%s"}},\n  "default-runtime": "kindlab-runc"\n}\n' \
      "$RW_DOCKER_ROOT" "$WRAPPER" >"$DAEMON_JSON"
  fi
}

start() {
  if engine_up; then
    rw_log "a container engine answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null) (used as it is)"
    return 0
  fi
  install_engine
  local drop
  drop=$(withheld_caps)
  [[ $drop == "[]" ]] || rw_log "this machine withholds $drop; privileged containers run through $WRAPPER"
  write_config "$drop"
  rw_log "starting dockerd (data root $RW_DOCKER_ROOT, log $RW_LOGS/dockerd.log)"
  setsid nohup dockerd --config-file "$DAEMON_JSON" --pidfile "$PIDFILE" >>"$RW_LOGS/dockerd.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 120); do
    engine_up && break
    kill -0 "$!" 2>/dev/null || { tail -n 20 "$RW_LOGS/dockerd.log" >&2; rw_die "dockerd exited; see $RW_LOGS/dockerd.log"; }
    sleep 0.5
  done
  engine_up || rw_die "dockerd did not answer within 60 s; see $RW_LOGS/dockerd.log"
  rw_log "dockerd $(docker version --format '{{.Server.Version}}') is up"
  check_privileged
}

# A privileged container that runs a missing program fails on the missing program, not on the
# capabilities, once the wrapper does its job. An empty image is enough (no registry is needed).
check_privileged() {
  docker image inspect kindlab.local/empty:1 >/dev/null 2>&1 ||
    tar -cf - --files-from /dev/null | docker import --change 'LABEL kindlab.realworld=1' - kindlab.local/empty:1 >/dev/null
  local out
  out=$(docker run --rm --privileged --label "$RW_LABEL" kindlab.local/empty:1 /kindlab-probe 2>&1 || true)
  if grep -q 'unable to apply caps' <<<"$out"; then
    rw_die "privileged containers still fail here: $out"
  fi
}

stop() {
  [[ -f $PIDFILE ]] || { rw_log "no dockerd started by scripts/realworld is running"; return 0; }
  local pid
  pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    rw_log "stopping dockerd ($pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) rw_die "usage: docker.sh [start|stop]" ;;
esac

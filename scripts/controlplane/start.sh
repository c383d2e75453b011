#!/usr/bin/env bash
# Start a real Kubernetes control plane on 127.0.0.1 for tests: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (simulated nodes and pods), with
# two fake nodes <cluster>-control-plane and <cluster>-worker, like kindlab's kind cluster.
#
#   scripts/controlplane/start.sh [STATE_DIR]     (default ${TMPDIR:-/tmp}/kindlab-cp)
#
# stdout: exactly one line, KUBECONFIG=<STATE_DIR>/kubeconfig. Progress and timing go to stderr.
# Stop with: scripts/controlplane/stop.sh STATE_DIR
#
# Env: KINDLAB_CP_CACHE          cache root used by build.sh
#      KINDLAB_CP_NO_BUILD=1     fail instead of building when the binaries are missing
#      KINDLAB_CP_CLUSTER_NAME   default cluster01 (context kind-<name>, nodes <name>-control-plane/-worker)
#      KINDLAB_CP_TIMEOUT        seconds to wait for each readiness gate (default 90)
#      KINDLAB_CP_ADVERTISE_ADDRESS  address in the "kubernetes" Service endpoints (default 172.18.0.2)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${1:-${TMPDIR:-/tmp}/kindlab-cp}
CLUSTER=${KINDLAB_CP_CLUSTER_NAME:-cluster01}
TIMEOUT=${KINDLAB_CP_TIMEOUT:-90}
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1
POD_CIDR=10.240.0.0/16
CP_NODE_IP=172.18.0.2
WORKER_NODE_IP=172.18.0.3
ADVERTISE=${KINDLAB_CP_ADVERTISE_ADDRESS:-$CP_NODE_IP}

T0=$(date +%s.%N)
log() { echo "[cp $(date +%H:%M:%S)] $*" >&2; }
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
die() { echo "start.sh: ERROR: $*" >&2; exit 1; }

case "$STATE" in -h|--help) sed -n '2,16p' "$0"; exit 0 ;; esac
[[ "$STATE" == /* ]] || STATE="$PWD/$STATE"
STATE=${STATE%/}
[[ -n "$STATE" && "$STATE" != "/" ]] || die "refusing state dir '/'"

command -v openssl >/dev/null || die "openssl not found (apt-get install -y openssl)"

# ---- binaries ----
if [[ "${KINDLAB_CP_NO_BUILD:-}" == 1 ]]; then
  BIN=$("$HERE/build.sh" --print-dir)
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
    [[ -x "$BIN/$b" ]] || die "$BIN/$b missing; run scripts/controlplane/build.sh first"
  done
else
  BIN=$("$HERE/build.sh") || die "build.sh failed"
fi
STAGES="$(dirname "$BIN")/stages"
KUBECTL="$BIN/kubectl"

# ---- state dir ----
running_pids() { # live pids recorded in STATE/pids
  local f p
  for f in "$STATE"/pids/*.pid; do
    [[ -f "$f" ]] || continue
    p=$(cat "$f" 2>/dev/null || true)
    [[ "$p" =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null && echo "$p"
  done
  return 0
}
if [[ -e "$STATE" ]]; then
  if [[ -f "$STATE/.kindlab-cp" ]]; then
    [[ -z "$(running_pids)" ]] || die "a control plane is already running in $STATE (stop it: $HERE/stop.sh $STATE)"
    rm -rf "$STATE"
  elif [[ -d "$STATE" && -z "$(ls -A "$STATE")" ]]; then
    rmdir "$STATE"
  else
    die "$STATE exists and is not a kindlab control-plane state dir; pick another path"
  fi
fi
mkdir -p "$STATE"/{pki,logs,pids,etcd-data,kwok-home}
chmod 700 "$STATE" "$STATE/pki" "$STATE/etcd-data"
touch "$STATE/.kindlab-cp"
PKI="$STATE/pki"

# On failure: stop what was started, keep logs for reading.
STARTED_OK=0
on_exit() {
  local rc=$?
  if [[ $STARTED_OK != 1 ]]; then
    log "start failed after $(elapsed)s; stopping what was started (logs kept in $STATE/logs)"
    "$HERE/stop.sh" --keep "$STATE" >&2 || true
  fi
  exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# ---- free loopback ports ----
free_ports() { # N -> N distinct free ports on 127.0.0.1
  local n=$1
  if command -v python3 >/dev/null; then
    python3 - "$n" <<'EOF'
import socket, sys
ss = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))
EOF
  elif command -v node >/dev/null; then
    node -e '
const net=require("net");const n=+process.argv[1];const out=[];const ss=[];
(function next(){ if(out.length===n){ss.forEach(s=>s.close());console.log(out.join(" "));return;}
 const s=net.createServer();s.listen(0,"127.0.0.1",()=>{out.push(s.address().port);ss.push(s);next();});})();' "$n"
  else
    local out=() p
    while [[ ${#out[@]} -lt $n ]]; do
      p=$((20000 + RANDOM % 20000))
      [[ " ${out[*]} " == *" $p "* ]] && continue
      (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
      out+=("$p")
    done
    echo "${out[*]}"
  fi
}
read -r ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT < <(free_ports 5)
[[ -n "${SCHED_PORT:-}" ]] || die "could not pick free ports"
API_URL="https://127.0.0.1:$API_PORT"
log "state $STATE; ports: etcd $ETCD_PORT/$ETCD_PEER_PORT, apiserver $API_PORT, kcm $KCM_PORT, scheduler $SCHED_PORT"

# ---- PKI (ECDSA P-256: generated in milliseconds) ----
ossl() { openssl "$@" 2>>"$STATE/logs/openssl.log" >/dev/null || die "openssl $1 failed (see $STATE/logs/openssl.log)"; }
newkey() { ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
newca() { # name CN
  newkey "$PKI/$1.key"
  ossl req -x509 -new -key "$PKI/$1.key" -subj "/CN=$2" -days 3650 -sha256 -out "$PKI/$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
}
newcert() { # ca name subject extKeyUsage [subjectAltName]
  local ca=$1 name=$2 subj=$3 eku=$4 san=${5:-}
  newkey "$PKI/$name.key"
  ossl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [[ -n "$san" ]] && echo "subjectAltName=$san"
  } >"$PKI/$name.ext"
  ossl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt"
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}
newca ca kindlab-cp-ca
newca front-proxy-ca kindlab-cp-front-proxy-ca
newcert ca apiserver "/CN=kube-apiserver" serverAuth \
  "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:$CLUSTER-control-plane,IP:127.0.0.1,IP:$SERVICE_IP,IP:$ADVERTISE"
newcert ca apiserver-kubelet-client "/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client" clientAuth
newcert ca admin "/O=system:masters/CN=kubernetes-admin" clientAuth
newcert ca controller-manager "/CN=system:kube-controller-manager" clientAuth
newcert ca scheduler "/CN=system:kube-scheduler" clientAuth
newcert ca kwok "/O=system:masters/CN=kwok-controller" clientAuth
newcert front-proxy-ca front-proxy-client "/CN=front-proxy-client" clientAuth
newkey "$PKI/sa.key"
ossl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
log "certificates generated ($(elapsed)s)"

kubeconfig() { # file user
  local ca crt key
  ca=$(base64 -w0 <"$PKI/ca.crt"); crt=$(base64 -w0 <"$PKI/$2.crt"); key=$(base64 -w0 <"$PKI/$2.key")
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kind-$CLUSTER
  cluster:
    server: $API_URL
    certificate-authority-data: $ca
users:
- name: kind-$CLUSTER
  user:
    client-certificate-data: $crt
    client-key-data: $key
contexts:
- name: kind-$CLUSTER
  context:
    cluster: kind-$CLUSTER
    user: kind-$CLUSTER
current-context: kind-$CLUSTER
preferences: {}
EOF
  chmod 600 "$1"
}
kubeconfig "$STATE/kubeconfig" admin
kubeconfig "$PKI/controller-manager.kubeconfig" controller-manager
kubeconfig "$PKI/scheduler.kubeconfig" scheduler
kubeconfig "$PKI/kwok.kubeconfig" kwok
export KUBECONFIG="$STATE/kubeconfig"

# ---- process launcher: each component in its own session/process group ----
launch() { # name cmd...   (pid == pgid, recorded in pids/NAME.pid)
  local name=$1; shift
  # shellcheck disable=SC2016  # $$ and $@ expand in the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$STATE/pids/$name.pid" "$@" \
    </dev/null >>"$STATE/logs/$name.log" 2>&1 &
  disown $! 2>/dev/null || true
  for _ in $(seq 1 50); do [[ -s "$STATE/pids/$name.pid" ]] && break; sleep 0.02; done
  [[ -s "$STATE/pids/$name.pid" ]] || die "$name did not start"
}
alive() { local p; p=$(cat "$STATE/pids/$1.pid" 2>/dev/null) && kill -0 "$p" 2>/dev/null; }
failed() { # name: component died -> show log tail and fail
  echo "----- last 30 lines of $STATE/logs/$1.log -----" >&2
  tail -n 30 "$STATE/logs/$1.log" >&2 || true
  die "$1 exited during startup"
}
# wait_for DESC TIMEOUT COMPONENT cmd...: poll cmd every 0.1-0.5s until it succeeds
wait_for() {
  local desc=$1 to=$2 comp=$3; shift 3
  local deadline=$(( $(date +%s) + to )) delay=0.1
  until "$@" >/dev/null 2>&1; do
    [[ -z "$comp" ]] || alive "$comp" || failed "$comp"
    if (( $(date +%s) >= deadline )); then
      [[ -z "$comp" ]] || { echo "----- last 30 lines of $STATE/logs/$comp.log -----" >&2; tail -n 30 "$STATE/logs/$comp.log" >&2; }
      die "timed out after ${to}s waiting for $desc"
    fi
    sleep "$delay"
    delay=$(awk -v d="$delay" 'BEGIN{d*=1.5; if(d>0.5)d=0.5; print d}')
  done
  log "$desc ($(elapsed)s)"
}
have_curl() { command -v curl >/dev/null; }
http_ok() { # url  (plain http)
  if have_curl; then curl -fsS -m 2 "$1"; else (exec 3<>"/dev/tcp/127.0.0.1/${1##*:}") ; fi
}
api_get() { # path
  if have_curl; then
    curl -fsS -m 3 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$API_URL$1"
  else
    "$KUBECTL" get --raw "$1" --request-timeout=3s
  fi
}

# ---- etcd ----
launch etcd "$BIN/etcd" \
  --name=kindlab \
  --data-dir="$STATE/etcd-data" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="kindlab=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync=true \
  --auto-compaction-retention=1 \
  --quota-backend-bytes=$((2 * 1024 * 1024 * 1024)) \
  --log-level=warn
wait_for "etcd healthy" "$TIMEOUT" etcd http_ok "http://127.0.0.1:$ETCD_PORT/health"

# ---- kube-apiserver ----
launch kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 \
  --advertise-address="$ADVERTISE" \
  --secure-port="$API_PORT" \
  --cert-dir="$PKI" \
  --tls-cert-file="$PKI/apiserver.crt" \
  --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --service-node-port-range=30000-32767 \
  --allow-privileged=true \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NodeRestriction \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
  --requestheader-allowed-names=front-proxy-client \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --requestheader-group-headers=X-Remote-Group \
  --requestheader-username-headers=X-Remote-User \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" \
  --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --enable-priority-and-fairness=false \
  --max-requests-inflight=0 --max-mutating-requests-inflight=0
wait_for "kube-apiserver /readyz" "$TIMEOUT" kube-apiserver api_get /readyz

# ---- kube-controller-manager, kube-scheduler, kwok (in parallel) ----
launch kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$PKI/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$PKI/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$PKI/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$KCM_PORT" \
  --controllers='*' \
  --leader-elect=false \
  --use-service-account-credentials=true \
  --allocate-node-cidrs=true \
  --cluster-cidr="$POD_CIDR" \
  --node-cidr-mask-size=24 \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --cluster-name="$CLUSTER" \
  --root-ca-file="$PKI/ca.crt" \
  --service-account-private-key-file="$PKI/sa.key" \
  --cluster-signing-cert-file="$PKI/ca.crt" \
  --cluster-signing-key-file="$PKI/ca.key" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
  --kube-api-qps=1000 --kube-api-burst=1000
launch kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig="$PKI/scheduler.kubeconfig" \
  --authentication-kubeconfig="$PKI/scheduler.kubeconfig" \
  --authorization-kubeconfig="$PKI/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$SCHED_PORT" \
  --leader-elect=false \
  --kube-api-qps=1000 --kube-api-burst=1000
STAGE_ARGS=()
for f in node-initialize node-heartbeat-with-lease pod-ready pod-complete pod-delete; do
  [[ -s "$STAGES/$f.yaml" ]] || die "kwok stage $STAGES/$f.yaml missing; run build.sh"
  STAGE_ARGS+=(-c "$STAGES/$f.yaml")
done
# HOME points at the state dir so a user's ~/.kwok/kwok.yaml is not loaded.
launch kwok env HOME="$STATE/kwok-home" "$BIN/kwok" \
  --kubeconfig="$PKI/kwok.kubeconfig" \
  --manage-all-nodes=true \
  --cidr="$POD_CIDR" \
  --node-lease-duration-seconds=40 \
  "${STAGE_ARGS[@]}"

# ---- fake nodes, shaped like kind's ----
node_yaml() { # name ip role podCIDR
  local name=$1 ip=$2 role=$3 cidr=$4
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    beta.kubernetes.io/arch: amd64
    beta.kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    type: kwok
EOF
  if [[ $role == control-plane ]]; then
    cat <<EOF
    node-role.kubernetes.io/control-plane: ""
    node.kubernetes.io/exclude-from-external-load-balancers: ""
spec:
  podCIDR: $cidr
  podCIDRs: [$cidr]
  taints:
  - key: node-role.kubernetes.io/control-plane
    effect: NoSchedule
EOF
  else
    cat <<EOF
    ingress-ready: "true"
spec:
  podCIDR: $cidr
  podCIDRs: [$cidr]
EOF
  fi
  cat <<EOF
status:
  addresses:
  - type: InternalIP
    address: $ip
  - type: Hostname
    address: $name
  allocatable: {cpu: "8", memory: 16Gi, pods: "110", ephemeral-storage: 100Gi}
  capacity: {cpu: "8", memory: 16Gi, pods: "110", ephemeral-storage: 100Gi}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    osImage: kindlab fake node (kwok)
    kernelVersion: $(uname -r)
    kubeletVersion: $("$BIN/kube-apiserver" --version | awk '{print $2}')
    kubeProxyVersion: ""
    containerRuntimeVersion: kwok://v0.8.0
EOF
}
# podCIDRs are set here rather than left to the controller-manager, which hands them out in
# whatever order the two nodes register: kind's control-plane has .0/24 and its worker .1/24,
# and recorded fixtures and lab texts rely on that.
{ node_yaml "$CLUSTER-control-plane" "$CP_NODE_IP" control-plane 10.240.0.0/24
  node_yaml "$CLUSTER-worker" "$WORKER_NODE_IP" worker 10.240.1.0/24; } >"$STATE/nodes.yaml"
create_nodes() {
  local out
  out=$("$KUBECTL" create -f "$STATE/nodes.yaml" 2>&1) && return 0
  # a retry after a partial success: only "AlreadyExists" errors left means done
  ! grep -v 'AlreadyExists' <<<"$out" | grep -q .
}
wait_for "nodes created" "$TIMEOUT" kube-apiserver create_nodes

nodes_ready() {
  local s
  for n in "$CLUSTER-control-plane" "$CLUSTER-worker"; do
    s=$("$KUBECTL" get node "$n" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.spec.podCIDR}') || return 1
    [[ "$s" == "True 10."* ]] || return 1
  done
  for c in kube-controller-manager kube-scheduler kwok; do alive "$c" || failed "$c"; done
}
wait_for "nodes Ready with podCIDRs" "$TIMEOUT" kwok nodes_ready
# Pods can only be created once the ServiceAccount admission finds the "default" SA.
wait_for "default ServiceAccount present" "$TIMEOUT" kube-controller-manager \
  "$KUBECTL" -n default get serviceaccount default

cat >"$STATE/env" <<EOF
KUBECONFIG=$STATE/kubeconfig
KINDLAB_CP_STATE=$STATE
KINDLAB_CP_BIN=$BIN
KINDLAB_CP_API_URL=$API_URL
KINDLAB_CP_ETCD_URL=http://127.0.0.1:$ETCD_PORT
KINDLAB_CP_KCM_PORT=$KCM_PORT
KINDLAB_CP_SCHEDULER_PORT=$SCHED_PORT
KINDLAB_CP_CONTEXT=kind-$CLUSTER
EOF
STARTED_OK=1
log "control plane ready in $(elapsed)s: $API_URL (context kind-$CLUSTER); stop: $HERE/stop.sh $STATE"
echo "KUBECONFIG=$STATE/kubeconfig"

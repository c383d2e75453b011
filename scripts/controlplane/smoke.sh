#!/usr/bin/env bash
# End-to-end smoke test of the test control plane: build (if needed), start, exercise
# Deployments/ReplicaSets/Pods (kwok), Services + EndpointSlices, NetworkPolicy and Ingress
# validation, then stop. Prints PASS or FAIL as the last line; exit code 0 on PASS.
#
#   scripts/controlplane/smoke.sh [STATE_DIR]   (default ${TMPDIR:-/tmp}/kindlab-cp-smoke)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${1:-${TMPDIR:-/tmp}/kindlab-cp-smoke}
NS=smoke
WAIT=${KINDLAB_CP_SMOKE_TIMEOUT:-60}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
step() { echo "== $*" >&2; }
fail() { echo "smoke: FAILED: $*" >&2; echo FAIL; exit 1; }

STARTED=0
cleanup() {
  local rc=$?
  if [[ $STARTED == 1 ]]; then
    if [[ $rc != 0 ]]; then
      echo "smoke: keeping logs in $STATE/logs" >&2
      "$HERE/stop.sh" --keep "$STATE" || true
    else
      "$HERE/stop.sh" "$STATE" || true
    fi
  fi
  exit $rc
}
trap cleanup EXIT

# retry SECONDS DESC cmd...: poll (0.2s → 1s backoff) until cmd succeeds
retry() {
  local to=$1 desc=$2; shift 2
  local t0 deadline delay=0.2
  t0=$(now); deadline=$(( $(date +%s) + to ))
  until "$@"; do
    (( $(date +%s) < deadline )) || fail "timed out after ${to}s: $desc"
    sleep "$delay"
    delay=$(awk -v d="$delay" 'BEGIN{d*=1.5; if(d>1)d=1; print d}')
  done
  echo "   ok: $desc ($(since "$t0")s)" >&2
}

T0=$(now)
step "build"
BIN=$("$HERE/build.sh") || fail "build.sh failed"
echo "   build/check took $(since "$T0")s" >&2
export PATH="$BIN:$PATH"

step "start"
T1=$(now)
STARTED=1
OUT=$("$HERE/start.sh" "$STATE") || fail "start.sh failed"
[[ "$OUT" == KUBECONFIG=* ]] || fail "start.sh printed '$OUT', expected KUBECONFIG=..."
export "${OUT?}"
START_SECS=$(since "$T1")
echo "   start took ${START_SECS}s; $OUT" >&2

step "kubectl version"
kubectl version >&2
kubectl version -o json | grep -q '"gitVersion": "v1.35.8"' || fail "server/client version is not v1.35.8"

step "kubectl get nodes -o wide"
kubectl get nodes -o wide >&2
kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.spec.podCIDR}{"\n"}{end}' >&2

step "deployment + service"
kubectl create namespace "$NS" >/dev/null
retry 30 "default ServiceAccount in $NS" kubectl -n "$NS" get serviceaccount default -o name
kubectl apply -n "$NS" --validate=strict -f - >&2 <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.30.4-alpine
        ports:
        - {name: http, containerPort: 80}
        - {name: https, containerPort: 443}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: https, port: 443, targetPort: https}
EOF
T2=$(now)
kubectl -n "$NS" wait --for=condition=Available deployment/web --timeout="${WAIT}s" >&2 \
  || fail "deployment web not Available"
ready_replicas() { [[ "$(kubectl -n "$NS" get deployment web -o 'jsonpath={.status.readyReplicas}')" == 3 ]]; }
retry "$WAIT" "deployment web has 3 ready replicas" ready_replicas
echo "   3 replicas ready $(since "$T2")s after apply" >&2
kubectl -n "$NS" get pods -o wide >&2

pod_ips_ok() {
  local ips ip n=0
  ips=$(kubectl -n "$NS" get pods -l app=web -o 'jsonpath={range .items[*]}{.status.podIP}{"\n"}{end}')
  for ip in $ips; do
    [[ "$ip" == 10.240.* ]] || { echo "   pod IP $ip not in 10.240.0.0/16" >&2; return 1; }
    n=$((n + 1))
  done
  [[ $n == 3 ]]
}
retry 10 "3 pod IPs from 10.240.0.0/16" pod_ips_ok

slice_ok() {
  local out
  out=$(kubectl -n "$NS" get endpointslices -l kubernetes.io/service-name=web -o \
    'jsonpath={range .items[*]}{range .endpoints[*]}{.addresses[0]}{"|"}{.conditions.ready}{"\n"}{end}{"ports:"}{range .ports[*]}{.name}={.port}{","}{end}{"\n"}{end}')
  local n
  n=$(grep -c '^10\.240\..*|true$' <<<"$out" || true)
  [[ $n == 3 ]] && grep -q 'http=80' <<<"$out" && grep -q 'https=443' <<<"$out"
}
retry "$WAIT" "EndpointSlice lists 3 ready addresses with ports http=80 and https=443" slice_ok
kubectl -n "$NS" get endpointslices -l kubernetes.io/service-name=web -o wide >&2

step "NetworkPolicy + Ingress (kubectl apply --validate=strict)"
kubectl apply -n "$NS" --validate=strict -f - >&2 <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-allow-frontend
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels: {role: frontend}
    ports:
    - {protocol: TCP, port: 80}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  rules:
  - host: webserver.127-0-0-1.nip.io
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port: {number: 80}
EOF
kubectl -n "$NS" get networkpolicy,ingress >&2
# strict validation is real: an unknown field must be rejected by the server
if kubectl apply -n "$NS" --validate=strict -f - >/dev/null 2>&1 <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bad
spec:
  rules:
  - host: bad.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          serviceName: web
          servicePort: 80
EOF
then fail "an Ingress with v1beta1 backend fields was accepted under --validate=strict"; fi
echo "   ok: unknown fields rejected under --validate=strict" >&2

step "service account token"
kubectl -n "$NS" create token default --duration=10m >/dev/null || fail "TokenRequest failed"
echo "   ok: kubectl create token" >&2

step "scale down + namespace deletion (GC, namespace controller)"
kubectl -n "$NS" scale deployment web --replicas=1 >&2
pods_n() { [[ "$(kubectl -n "$NS" get pods -l app=web --no-headers 2>/dev/null | wc -l)" == "$1" ]]; }
retry "$WAIT" "scaled to 1 pod" pods_n 1
kubectl delete namespace "$NS" --wait=false >&2
ns_gone() { ! kubectl get namespace "$NS" >/dev/null 2>&1; }
retry "$WAIT" "namespace $NS deleted" ns_gone

echo "smoke: start ${START_SECS}s, total $(since "$T0")s" >&2
echo PASS

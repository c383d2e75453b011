#!/usr/bin/env bash
# Assembles the node image the way kind's own builder does, without pulling anything: kind's base
# files (from the kind module, read at build time) on the Debian node tree, the node's runtime built
# here, kubeadm/kubelet/kubectl from the shared Kubernetes build, and the images of images.list
# imported into containerd's k8s.io namespace, pinned so that the kubelet never collects them: the
# full node image ($RW_NODE_IMAGE) has every image a node runs, the boot-only one
# ($RW_NODE_IMAGE_BOOT) only the boot role's, so that tier 5 proves the image cache serves the rest.
#
# This VM's own needs are added only when the machine has them: the runc wrapper inside the node
# (privileged pods such as kube-router and the speaker ask for capabilities the VM withholds) and
# containerd's restrict_oom_score_adj (without CAP_SYS_RESOURCE runc cannot lower oom_score_adj).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CP_BIN=$("$RW_REPO/scripts/controlplane/build.sh" --print-dir)
export DOCKER_BUILDKIT=0
NODE_ROOTFS_IMAGE="kindlab.local/node-rootfs:rw$RW_REV"
NODE_BASE_IMAGE="kindlab.local/node-base:rw$RW_REV"
BUILD_CONTAINER=kindlab-realworld-node-build

withheld() { [[ -x "$RW_BIN/kindlab-runc" ]] && grep -o "^drop='.*'" "$RW_BIN/kindlab-runc" | sed "s/^drop='\(.*\)'$/\1/"; }

build_base() {
  local ctx="$RW_CTX/node" kindmod
  kindmod=$(rw_moddir "sigs.k8s.io/kind@$KIND_VERSION")
  rm -rf "$ctx" && mkdir -p "$ctx"/{bin,cni,k8s,sbin}
  cp -a "$kindmod/images/base/files" "$ctx/kind-files"
  chmod -R u+w "$ctx/kind-files"
  find "$ctx/kind-files" -type d -exec chmod 0755 {} + && find "$ctx/kind-files" -type f -exec chmod 0644 {} +
  chmod 0755 "$ctx"/kind-files/usr/local/bin/* "$ctx"/kind-files/kind/bin/*
  cp "$RW_OUT"/containerd/{containerd,ctr,containerd-shim-runc-v2} "$RW_OUT/crictl/crictl" "$ctx/bin/"
  cp "$RW_OUT"/cni/{host-local,loopback,ptp,portmap} "$ctx/cni/"
  cp "$CP_BIN"/{kubeadm,kubelet,kubectl} "$ctx/k8s/"
  # kind's base spec: containerd's default with the product_uuid hook and no rlimits.
  "$RW_OUT/containerd/ctr" oci spec \
    | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
    | jq 'del(.process.rlimits)' >"$ctx/cri-base.json"
  local drop restrict=0
  drop=$(withheld || true)
  if [[ -n $drop && $drop != "[]" ]]; then
    sed -e "s|@DROP@|$drop|" -e "s|@RUNC@|/usr/sbin/runc|" "$RW_HERE/files/runc-wrapper.sh" >"$ctx/sbin/runc"
    chmod 0755 "$ctx/sbin/runc"
    [[ $drop == *CAP_SYS_RESOURCE* ]] && restrict=1
  fi
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
ARG BASE
FROM ${BASE}
COPY kind-files/ /
COPY bin/ /usr/local/bin/
COPY cni/ /opt/cni/bin/
COPY k8s/ /usr/bin/
COPY sbin/ /usr/local/sbin/
COPY cri-base.json /etc/containerd/cri-base.json
ARG K8S_VERSION
ARG RESTRICT_OOM=0
# systemd in a container: only the units kind keeps, kubelet and containerd enabled, no udev or
# binfmt, the journal not reading the kernel's ring buffer.
RUN rm -f /lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service \
      /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
      /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \
      /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/* \
 && echo "ReadKMsg=no" >>/etc/systemd/journald.conf \
 && ln -sf /usr/lib/systemd/systemd /sbin/init \
 && systemctl enable kubelet.service containerd.service undo-mount-hacks.service \
 && systemctl mask systemd-binfmt.service \
 && mkdir -p /etc/kubernetes/manifests /opt/cni/bin \
 && echo "$K8S_VERSION" >/kind/version \
 && if [ "$RESTRICT_OOM" = 1 ]; then sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml; fi \
 && containerd --version && kubelet --version
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
DOCKERFILE
  docker image rm -f "$NODE_ROOTFS_IMAGE" >/dev/null 2>&1 || true
  tar -C "$RW_ROOTFS/node" -c . | docker import --change "LABEL $RW_LABEL" - "$NODE_ROOTFS_IMAGE"
  docker build -q --force-rm --build-arg "BASE=$NODE_ROOTFS_IMAGE" --build-arg "K8S_VERSION=$K8S_VERSION" --build-arg "RESTRICT_OOM=$restrict" \
    --label "$RW_LABEL" -t "$NODE_BASE_IMAGE" "$ctx"
}

# As kind's builder: a container of the base image running containerd, the images streamed in with
# `ctr images import` (docker cp into the container's tmpfs /tmp would silently do nothing), then
# `docker commit` with the entrypoint restored. Two commits of the one container: the boot images
# alone (the boot-only node image), then with every other node image added (the full node image,
# which shares the first one's layers).
build_node() {
  docker rm -f -v "$BUILD_CONTAINER" >/dev/null 2>&1 || true
  docker run -d --name "$BUILD_CONTAINER" --label "$RW_LABEL" --entrypoint=sleep --security-opt seccomp=unconfined \
    "$NODE_BASE_IMAGE" infinity
  trap 'docker rm -f -v "$BUILD_CONTAINER" >/dev/null 2>&1 || true' RETURN
  local boot=() rest=() ref
  mapfile -t boot <"$RW_STATE/images-boot.txt"
  while read -r ref; do
    [[ -n $ref ]] && ! grep -qxF "$ref" "$RW_STATE/images-boot.txt" && rest+=("$ref")
  done <"$RW_STATE/images.txt"
  ((${#boot[@]})) || { echo "no boot images in $RW_STATE/images-boot.txt"; return 1; }
  import_images "${boot[@]}"
  commit_node "$RW_NODE_IMAGE_BOOT"
  if ((${#rest[@]})); then import_images "${rest[@]}"; fi
  commit_node "$RW_NODE_IMAGE"
}

# import_images REF...: starts the build container's containerd, streams the images into k8s.io,
# pinned, and stops containerd again so that its database is closed when the container is committed.
import_images() {
  local i
  docker exec -d "$BUILD_CONTAINER" bash -c 'containerd >>/var/log/containerd-build.log 2>&1'
  for i in $(seq 1 60); do docker exec "$BUILD_CONTAINER" ctr version >/dev/null 2>&1 && break; sleep 0.5; done
  docker exec "$BUILD_CONTAINER" ctr version
  docker save "$@" | docker exec -i "$BUILD_CONTAINER" \
    ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests -
  docker exec "$BUILD_CONTAINER" ctr --namespace=k8s.io images ls -q | sort
  docker exec "$BUILD_CONTAINER" pkill containerd || true
  for i in $(seq 1 40); do docker exec "$BUILD_CONTAINER" pgrep -x containerd >/dev/null 2>&1 || break; sleep 0.25; done
}

commit_node() {
  docker commit --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' --change 'CMD []' \
    --change "LABEL $RW_LABEL" "$BUILD_CONTAINER" "$1"
  docker image ls "$1"
}

inputs() {
  cat "$RW_HERE/node-image.sh" "$RW_HERE/files/runc-wrapper.sh" "$RW_STATE/images.txt" "$RW_STATE/images-boot.txt" "$RW_STAMPS"/go-containerd \
    "$RW_STAMPS"/go-crictl "$RW_STAMPS"/go-cni "$RW_STAMPS"/rootfs-node "$RW_STAMPS"/images "$CP_BIN/.k8s.stamp" 2>/dev/null | sha256sum | cut -c1-16
}

if ! docker image inspect "$RW_NODE_IMAGE" >/dev/null 2>&1 || ! docker image inspect "$RW_NODE_IMAGE_BOOT" >/dev/null 2>&1; then
  rm -f "$RW_STAMPS/node-image"
fi
rw_step node-base "$(inputs)" build_base
rw_step node-image "$(inputs)" build_node
echo "$RW_NODE_IMAGE"

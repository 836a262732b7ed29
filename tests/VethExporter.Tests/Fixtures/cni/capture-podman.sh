#!/usr/bin/env bash
# Regenerates podman/: a real libcni cache file (podman 4.3 with its CNI backend), the host-local lease
# it made under the default /var/lib/cni/networks, and the chains in the fake host. Run as root from the
# repository root: tests/VethExporter.Tests/Fixtures/cni/capture-podman.sh
# podman runs under nsenter in a throw-away fake host namespace, with runc, cgroupfs, vfs storage and all
# its roots under a temp dir. Its libcni cache goes to /var/lib/cni/results (not configurable in 4.3): the
# files this script made there are removed with the container (podman rm runs CNI DEL).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rand=$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
host=vxc-host-$rand
net=vxcpod$rand
tmp=$(mktemp -d /tmp/vxc-podman-XXXXXX)
export CONTAINERS_CONF=$tmp/containers.conf
podman=(podman --root "$tmp/root" --runroot "$tmp/run" --storage-driver vfs --cgroup-manager cgroupfs)
in_host() { nsenter --net="/run/netns/$host" "$@"; }
cleanup() {
  in_host "${podman[@]}" rm -f -t 0 "ctr-$rand" >/dev/null 2>&1 || true
  in_host "${podman[@]}" network rm -f "$net" >/dev/null 2>&1 || true
  rm -rf "/var/lib/cni/networks/$net"
  rmdir /var/lib/cni/results /var/lib/cni/networks /var/lib/cni 2>/dev/null || true  # only when empty
  for d in $(find /sys/fs/cgroup -maxdepth 4 -depth -type d -path "*/vxc-$rand*" 2>/dev/null); do rmdir "$d" 2>/dev/null || true; done
  ip netns del "$host" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$host"
ip -n "$host" link set lo up
mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/proc" "$tmp/rootfs/sys" "$tmp/rootfs/dev" "$tmp/rootfs/etc" "$tmp/net.d"
cp /usr/bin/busybox "$tmp/rootfs/bin/"
ln -s busybox "$tmp/rootfs/bin/sh"; ln -s busybox "$tmp/rootfs/bin/sleep"
cat > "$CONTAINERS_CONF" <<CONF
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$tmp/events.log"
tmp_dir = "$tmp/tmp"
[network]
network_backend = "cni"
cni_plugin_dirs = ["/usr/lib/cni"]
network_config_dir = "$tmp/net.d"
CONF
cd "$tmp"
in_host "${podman[@]}" network create --subnet 10.77.5.0/24 "$net" >/dev/null
# Without CAP_SYS_RESOURCE runc cannot raise limits: ask for lower ones than ours.
cid=$(in_host "${podman[@]}" run -d --name "ctr-$rand" --ulimit nproc=4096:4096 --ulimit nofile=1024:1024 \
  --cgroup-parent="/vxc-$rand" --network "$net" -p 8081:80 --rootfs "$tmp/rootfs" sleep 100000)
rm -rf "$here/podman"; mkdir -p "$here/podman/networks"
cp "/var/lib/cni/results/$net-$cid-eth0" "$here/podman/"
cp -r "/var/lib/cni/networks/$net" "$here/podman/networks/"
ip netns exec "$host" iptables-nft-save > "$here/podman/iptables-nft-save.txt"
ip netns exec "$host" ip -d link show > "$here/podman/ip-link.txt"
echo "captured $net-$cid-eth0 into $here/podman"

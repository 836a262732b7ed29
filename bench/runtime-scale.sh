#!/usr/bin/env bash
# Measures what asking a container runtime adds to one scan. Run as root:
#
#   bench/runtime-scale.sh N [RUNS]
#
# Starts rootful podman (CNI backend, runc, vfs storage, a busybox-static root file system: no registry)
# with its Docker-compatible API service inside a throw-away fake host namespace, runs N sleeping
# containers on a bridge network of their own, kills conmon and the process of one in ten (podman keeps
# calling them running: the runtime_owned leaks), then times `veth-exporter scan --output json` of that
# fake host RUNS times each with the podman socket and with no runtime asked (--runtime.cri-socket none),
# interleaved, and checks the verdicts of the last scan. Prints the medians. Removes what it made.
set -euo pipefail
N=${1:?usage: $0 N [RUNS]}
RUNS=${2:-11}
((EUID == 0)) || { echo "$0: must run as root" >&2; exit 2; }
for tool in podman runc conmon nsenter busybox python3; do command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }; done
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DLL=$REPO/src/VethExporter/bin/Release/net10.0/veth-exporter.dll
[ -f "$DLL" ] || dotnet build "$REPO/src/VethExporter" -c Release -v q >/dev/null
tmp=$(mktemp -d /tmp/vxb-rt-XXXXXX)
tag=$(basename "$tmp" | tr -dc 'a-zA-Z0-9' | tail -c 6 | tr 'A-Z' 'a-z')
host=vxb-rt-$tag
net=vxbrt$tag
service=
export CONTAINERS_CONF=$tmp/containers.conf
pod() { nsenter --net="/run/netns/$host" podman --root "$tmp/root" --runroot "$tmp/run" --storage-driver vfs --cgroup-manager cgroupfs "$@"; }
cleanup() {
  set +e
  pod rm -af -t 0 >/dev/null 2>&1
  for pin in $(cat "$tmp/pins" 2>/dev/null); do umount "$pin" 2>/dev/null; rm -f "$pin"; done
  pod network rm -f "$net" >/dev/null 2>&1
  [ -n "$service" ] && kill "$service" 2>/dev/null
  rm -rf "/var/lib/cni/networks/$net" /var/lib/cni/results/"$net"-* 2>/dev/null
  find /sys/fs/cgroup -maxdepth 3 -type d -name "vxb-$tag" 2>/dev/null | while read -r d; do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
  ip netns del "$host" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$host"
ip -n "$host" link set lo up
mkdir -p "$tmp/rootfs"/{bin,proc,sys,dev,etc} "$tmp/net.d"
cp "$(command -v busybox)" "$tmp/rootfs/bin/busybox"
ln -s busybox "$tmp/rootfs/bin/sleep"
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
pod network create --subnet 10.213.0.0/16 "$net" >/dev/null
nsenter --net="/run/netns/$host" podman --root "$tmp/root" --runroot "$tmp/run" --storage-driver vfs --cgroup-manager cgroupfs system service --time=0 "unix://$tmp/api.sock" 2>/dev/null &
service=$!
for _ in $(seq 200); do [ -S "$tmp/api.sock" ] && break; sleep 0.05; done
for ((i = 0; i < N; i++)); do
  id=$(pod run -d --name "c$i-$tag" --ulimit nproc=4096:4096 --ulimit nofile=1024:1024 --cgroup-parent "/vxb-$tag" \
    --network "$net" --rootfs "$tmp/rootfs" sleep 100000)
  pod inspect -f '{{.NetworkSettings.SandboxKey}}' "$id" >> "$tmp/pins"
  if ((i % 10 == 0)); then
    kill -9 "$(cat "$tmp/run/vfs-containers/$id/userdata/conmon.pid")"
    kill -9 "$(pod inspect -f '{{.State.Pid}}' "$id")"
  fi
done
leaks=$(((N + 9) / 10))
sleep 1
run() { local s e; s=$(date +%s%N); dotnet "$DLL" scan --output json --netns "/run/netns/$host" --state.file "$tmp/state.json" \
  --path.cni-cache "$tmp/no-cni" "$@" > "$tmp/last.json"; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
with=() without=()
for ((r = 0; r < RUNS; r++)); do
  without+=("$(run --runtime.cri-socket none)")
  with+=("$(run --runtime.docker-socket "unix://$tmp/api.sock")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
python3 - "$tmp/last.json" "$N" "$leaks" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); n, leaks = int(sys.argv[2]), int(sys.argv[3])
claimed = [i for i in d["interfaces"] if i["runtime"]]
owned = [i for i in claimed if i["state"] == "orphan" and "runtime_owned" in i["blockers"]]
live = [i for i in claimed if i["state"] == "in_use"]
print(f"runtime: {d['runtimes'][0]['name']} {d['runtimes'][0]['version']}, up {d['runtimes'][0]['up']}; "
      f"veths claimed {len(claimed)} of {n}: {len(live)} in use, {len(owned)} orphans runtime_owned (expected {n - leaks} and {leaks})")
sys.exit(0 if len(claimed) == n and len(owned) == leaks and len(live) == n - leaks else 1)
PY
echo "containers: $N ($leaks leaked); scan (process start included), median of $RUNS: no runtime $(median "${without[@]}") ms, podman asked $(median "${with[@]}") ms"

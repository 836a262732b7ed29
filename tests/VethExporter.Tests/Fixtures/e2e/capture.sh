#!/usr/bin/env bash
# Regenerates the end-to-end fixtures from the running kernel. Run as root from the repository root:
#   tests/VethExporter.Tests/Fixtures/e2e/capture.sh
# It builds a throw-away fake host (namespaces vxt-e2e-*), copies the part of /proc a scan reads for the
# processes it started into proc/, records the dumps and every other kernel answer of one scan with
# `veth-exporter capture-fixtures --path.procfs proc/`, saves the firewall listings and the `ip -d link`
# view, and removes everything it made. See README.md; regenerate the golden files afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proc=$here/proc
host=vxt-e2e-host
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ns in "$host" vxt-e2e-live vxt-e2e-pinned vxt-e2e-bridged vxt-e2e-fd; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
# The holders started below inherit our fds: close whatever the caller left open beyond 0-2.
for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null || true; fi; done
for ns in "$host" vxt-e2e-live vxt-e2e-pinned vxt-e2e-bridged vxt-e2e-fd; do
  if ip netns list | grep -qw "$ns"; then echo "$ns exists already; remove it first" >&2; exit 1; fi
done

dotnet build "$here/../../../../src/VethExporter" -c Release -v quiet -nologo >/dev/null

ip netns add "$host"
ip -n "$host" link set lo up
ip -n "$host" link add br0 type bridge
ip -n "$host" link set br0 up
# A live container on br0: its namespace has a process (started below, after the fd-only namespace).
ip netns add vxt-e2e-live
ip -n "$host" link add vethlive type veth peer name eth0 netns vxt-e2e-live
ip -n "$host" link set vethlive master br0 up
# A missed CNI DEL: pinned namespace, no process; a qdisc and a firewall rule name the host end.
ip netns add vxt-e2e-pinned
ip -n "$host" link add vethpinned type veth peer name eth0 netns vxt-e2e-pinned
ip -n "$host" link set vethpinned up
tc -n "$host" qdisc add dev vethpinned root tbf rate 1mbit burst 32kbit latency 400ms
ip netns exec "$host" iptables -A FORWARD -i vethpinned -j DROP
# The same leak on a bridge.
ip netns add vxt-e2e-bridged
ip -n "$host" link add vethbridged type veth peer name eth0 netns vxt-e2e-bridged
ip -n "$host" link set vethbridged master br0 up
# CNI ADD died before moving the peer: both ends in the host, nothing on either.
ip -n "$host" link add vethhalf type veth peer name vethhalfp
# Deliberate host plumbing: both ends in the host, one with an address.
ip -n "$host" link add hostpair0 type veth peer name hostpair1
ip -n "$host" addr add 192.0.2.1/24 dev hostpair0
ip -n "$host" link set hostpair0 up
# Not a veth, whatever its name says.
ip -n "$host" tuntap add dev vethtap0 mode tap
# A namespace held only by an open fd of a process outside it: its pin is removed once the fd is open.
ip netns add vxt-e2e-fd
ip -n "$host" link add vethfd type veth peer name eth0 netns vxt-e2e-fd
sleep infinity </dev/null >/dev/null 2>&1 3</run/netns/vxt-e2e-fd &
pids+=($!)
sleep 0.2
ip netns del vxt-e2e-fd
ip netns exec vxt-e2e-live sleep infinity </dev/null >/dev/null 2>&1 &
pids+=($!)
sleep 0.2

# The tree: only what a scan reads, for the processes started above. Namespace links are copied as
# the text readlink gives; fd links and task roots point into the real /proc for the capture's own scan
# (it stats and opens them through the kernel seam; the replay answers from kernel-answers.txt instead). mountinfo keeps
# the root, /proc, /run, /run/netns and this fake host's nsfs pins, none of the capturing machine's mounts.
rm -rf "$proc"
mkdir -p "$proc/self/ns"
ln -s "$(readlink /proc/self/ns/pid)" "$proc/self/ns/pid"
threads=0
for pid in "${pids[@]}"; do
  for task in /proc/"$pid"/task/*; do
    tid=${task##*/}
    dir=$proc/$pid/task/$tid
    mkdir -p "$dir/ns"
    ln -s "$(readlink "$task/ns/net")" "$dir/ns/net"
    ln -s "$(readlink "$task/ns/mnt")" "$dir/ns/mnt"
    ln -s "$task/root" "$dir/root"
    cp "$task/stat" "$dir/stat"
    awk '$5 == "/" || $5 == "/proc" || $5 == "/run" || $5 == "/run/netns" || $5 ~ /^\/run\/netns\/vxt-e2e-/' "$task/mountinfo" > "$dir/mountinfo"
    threads=$((threads + 1))
  done
  mkdir -p "$proc/$pid/fd"
  for fd in /proc/"$pid"/fd/*; do ln -s "$fd" "$proc/$pid/fd/${fd##*/}"; done
done
# The kernel's thread count as loadavg shows it, for this tree: every thread it holds.
echo "0.00 0.00 0.00 1/$threads ${pids[-1]}" > "$proc/loadavg"

dotnet "$here/../../../../src/VethExporter/bin/Release/net10.0/veth-exporter.dll" capture-fixtures \
  --netns "/run/netns/$host" --path.procfs "$proc" --out "$here"
# Done with the real /proc. A scan only lists the fd directories and asks each entry's stat through the
# seam, so the fd links become empty files; the task roots go. (Links into a live /proc, or to "/" as an
# fd of a namespace whose pin is gone reads, would lead any directory walk over the repository astray.)
for link in "$proc"/*/fd/*; do rm "$link"; : > "$link"; done
rm -f "$proc"/*/task/*/root
mkdir -p "$here/firewall"
ip netns exec "$host" iptables-save | grep -v '^#' > "$here/firewall/iptables-save.txt"
ip netns exec "$host" nft list ruleset > "$here/firewall/nft-ruleset.txt"
{
  echo "# Captured $(date -u +%Y-%m-%d) on Linux $(uname -r) by capture.sh"
  echo "# ip -d link show (in the fake host namespace):"
  ip -n "$host" -d link show
  echo "# ip addr show:"
  ip -n "$host" addr show
  echo "# tc qdisc show:"
  ip netns exec "$host" tc qdisc show
  echo "# processes (pid: what):"
  echo "# ${pids[0]}: sleep holding vxt-e2e-fd open as fd 3, in the machine's namespaces"
  echo "# ${pids[1]}: sleep in vxt-e2e-live, in a mount namespace of its own (ip netns exec)"
} > "$here/ip-view.txt"

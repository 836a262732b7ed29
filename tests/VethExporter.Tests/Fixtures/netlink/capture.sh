#!/usr/bin/env bash
# Regenerates the binary netlink fixtures from the running kernel. Run as root from the repository root:
#   tests/VethExporter.Tests/Fixtures/netlink/capture.sh
# It builds a throw-away fake host namespace, dumps it with `veth-exporter capture-fixtures`, saves the
# `ip -d link` view next to the binaries, and removes everything it made.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
host=vxt-fixture-$$
ctr=vxt-fixture-ctr-$$
cleanup() { ip netns del "$host" 2>/dev/null || true; ip netns del "$ctr" 2>/dev/null || true; }
trap cleanup EXIT

ip netns add "$host"
ip netns add "$ctr"
ip -n "$host" link set lo up
ip -n "$host" link add br0 type bridge
ip -n "$host" link set br0 up
# A container-style pair: host end on br0, peer in another namespace.
ip -n "$host" link add veth1a2b3c type veth peer name eth0 netns "$ctr"
ip -n "$host" link set veth1a2b3c master br0 up
# A Calico-style name, no bridge, with a tbf qdisc.
ip -n "$host" link add cali0f1e2d3c type veth peer name eth1 netns "$ctr"
ip -n "$host" link set cali0f1e2d3c up
tc -n "$host" qdisc add dev cali0f1e2d3c root tbf rate 1mbit burst 32kbit latency 400ms
# Both ends in the host, one with an address.
ip -n "$host" link add hostpair0 type veth peer name hostpair1
ip -n "$host" addr add 192.0.2.1/24 dev hostpair0
ip -n "$host" link set hostpair0 up
# A non-veth device whose name says veth.
ip -n "$host" tuntap add dev vethtap0 mode tap

dotnet run --project "$here/../../../../src/VethExporter" -- capture-fixtures --netns "/run/netns/$host" --out "$here"
{
  echo "# Captured $(date -u +%Y-%m-%d) on Linux $(uname -r) with: veth-exporter capture-fixtures"
  echo "# ip -d link show (in the fake host namespace):"
  ip -n "$host" -d link show
  echo "# ip addr show:"
  ip -n "$host" addr show
  echo "# tc qdisc show:"
  ip netns exec "$host" tc qdisc show
} > "$here/ip-view.txt"

#!/usr/bin/env bash
# Measures what reading and judging N CNI attachments adds to one scan. Run as root:
#
#   bench/cni-scale.sh N [RUNS]
#
# Synthesises N libcni cache files (copies of the real podman cache fixture, each with its own container
# id and a netns path that no longer exists: N stealth leaks) and N host-local leases in a temp dir, then
# times `veth-exporter scan --output json` of an empty throw-away fake host, RUNS times each with and
# without --path.cni-cache pointing at them, interleaved. Prints the medians. Removes what it made.
set -euo pipefail
N=${1:?usage: $0 N [RUNS]}
RUNS=${2:-15}
((EUID == 0)) || { echo "$0: must run as root" >&2; exit 2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURE=$(ls "$REPO"/tests/VethExporter.Tests/Fixtures/cni/podman/vxcpod*-eth0)
DLL=$REPO/src/VethExporter/bin/Release/net10.0/veth-exporter.dll
[ -f "$DLL" ] || dotnet build "$REPO/src/VethExporter" -c Release -v q >/dev/null
tmp=$(mktemp -d /tmp/vxb-cni-XXXXXX)
host=vxb-cni-$$
cleanup() { ip netns del "$host" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$host"
mkdir -p "$tmp/cache/results" "$tmp/networks/vxcpod511012"
old=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["containerId"])' "$FIXTURE")
python3 - "$FIXTURE" "$tmp" "$N" "$old" <<'PY'
import json, sys, os
src, tmp, n, old = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
base = json.load(open(src))
for i in range(n):
    cid = f"{i:08x}" + old[8:]
    entry = dict(base, containerId=cid, netns=f"/run/netns/vxb-gone-{i}")
    with open(f"{tmp}/cache/results/{entry['networkName']}-{cid}-eth0", "w") as f:
        json.dump(entry, f)
    ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    with open(f"{tmp}/networks/{entry['networkName']}/{ip}", "w") as f:
        f.write(f"{cid}\r\neth0")
PY
run() { local s e; s=$(date +%s%N); dotnet "$DLL" scan --output json --netns "/run/netns/$host" --state.file "$tmp/state.json" "$@" >/dev/null; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
with=() without=()
for ((r = 0; r < RUNS; r++)); do
  without+=("$(run --path.cni-cache "$tmp/empty" --path.cni-networks "$tmp/empty/networks")")
  with+=("$(run --path.cni-cache "$tmp/cache" --path.cni-networks "$tmp/networks")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
count=$(dotnet "$DLL" scan --output json --netns "/run/netns/$host" --state.file "$tmp/state.json" --path.cni-cache "$tmp/cache" --path.cni-networks "$tmp/networks" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for a in d["attachments"] if a["state"]=="leaked"))')
echo "attachments: $N cache files, $N leases; leaked reported: $count"
echo "scan (process start included), median of $RUNS: without CNI $(median "${without[@]}") ms, with $(median "${with[@]}") ms"

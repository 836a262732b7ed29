#!/usr/bin/env bash
# Builds a scale setup in a throw-away fake host network namespace and benchmarks one full scan of it
# against `ip -j -d link show` of the same namespace. Run as root:
#
#   bench/scan-scale.sh LEAKED LIVE [BENCHMARKDOTNET ARGUMENTS...]
#
# LEAKED pairs: host end in the fake host (three in four on a bridge), peer in a pinned namespace with no
# process in it. LIVE pairs: host end on a bridge, peer in a pinned namespace with a sleeping process in
# it (entered with nsenter, so it shares our mount namespace as a container runtime's processes would
# not have one per process). Everything the script makes is removed on exit, whatever happens.
set -euo pipefail

usage() {
    echo "usage: $0 LEAKED LIVE [BENCHMARKDOTNET ARGUMENTS...]" >&2
    exit 2
}

(($# >= 2)) || usage
LEAKED=$1
LIVE=$2
shift 2
[[ $LEAKED =~ ^[0-9]+$ && $LIVE =~ ^[0-9]+$ ]] || usage
((EUID == 0)) || { echo "$0: must run as root (it creates namespaces and veths, and the scan reads every task)" >&2; exit 2; }
for tool in ip nsenter sleep dotnet od; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT=$REPO/bench/VethExporter.Benchmarks
ARTIFACTS=$REPO/bench/BenchmarkDotNet.Artifacts/$LEAKED-leaked-$LIVE-live
HOST=vxb-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
PORTS_PER_BRIDGE=1000 # a Linux bridge takes at most 1023 ports
SLEEPS=()
TORN_DOWN=
SCRATCH=$(mktemp -d)

# Our namespaces: the fake host and every "container" namespace, all named after it.
our_namespaces() {
    ip netns list | awk -v host="$HOST" '$1 == host || index($1, host "-") == 1 { print $1 }'
}

teardown() {
    [[ -z $TORN_DOWN ]] || return 0
    TORN_DOWN=1
    if ((${#SLEEPS[@]} > 0)); then
        kill "${SLEEPS[@]}" 2>/dev/null || true
        wait "${SLEEPS[@]}" 2>/dev/null || true
    fi
    # Deleting the fake host takes every host end along; the peers go with their namespaces.
    our_namespaces | sed 's/^/netns del /' | ip -force -batch - 2>/dev/null || true
    local left
    left=$(our_namespaces | wc -l)
    if ((left > 0)); then
        echo "$0: $left namespaces named $HOST* are left behind" >&2
        return 1
    fi
    if ip netns list | grep -q '^vxb-'; then
        echo "$0: note: other vxb-* namespaces exist (not made by this run):" $(ip netns list | grep -o '^vxb-[^ ]*' | sort -u | head -5) >&2
    fi
}

on_exit() {
    local status=$?
    teardown || status=1
    rm -rf "$SCRATCH"
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== building the benchmarks (Release)"
dotnet build -c Release -nologo -v quiet "$PROJECT" >"$SCRATCH/build.log" || { cat "$SCRATCH/build.log" >&2; exit 1; }

echo "== fake host $HOST: $LEAKED leaked + $LIVE live veth pairs"
started=$SECONDS
{
    echo "netns add $HOST"
    for ((i = 0; i < LEAKED; i++)); do echo "netns add $HOST-l$i"; done
    for ((i = 0; i < LIVE; i++)); do echo "netns add $HOST-v$i"; done
} | ip -batch -

# One batch in the fake host: bridges, then every pair created with its peer straight in its namespace.
{
    echo "link set lo up"
    bridged=$(((LEAKED - (LEAKED + 3) / 4) + LIVE))
    for ((b = 0; b * PORTS_PER_BRIDGE < bridged; b++)); do echo "link add br$b up type bridge"; done
    port=0
    for ((i = 0; i < LEAKED; i++)); do
        if ((i % 4 == 0)); then
            echo "link add lk$i up type veth peer name eth0 netns $HOST-l$i"
        else
            echo "link add lk$i master br$((port++ / PORTS_PER_BRIDGE)) up type veth peer name eth0 netns $HOST-l$i"
        fi
    done
    for ((i = 0; i < LIVE; i++)); do
        echo "link add lv$i master br$((port++ / PORTS_PER_BRIDGE)) up type veth peer name eth0 netns $HOST-v$i"
    done
} | ip -n "$HOST" -batch -

# A peer is created down in its namespace and cannot be brought up from the host side: one ip per namespace.
{
    for ((i = 0; i < LEAKED; i++)); do echo "$HOST-l$i"; done
    for ((i = 0; i < LIVE; i++)); do echo "$HOST-v$i"; done
} | xargs -r -P "$(nproc)" -I NS ip -n NS link set eth0 up

for ((i = 0; i < LIVE; i++)); do
    nsenter --net="/run/netns/$HOST-v$i" sleep infinity </dev/null >/dev/null 2>&1 &
    SLEEPS+=($!)
done
echo "   built in $((SECONDS - started)) s: $(ip -n "$HOST" -o link show type veth | wc -l) veths in $HOST, $(our_namespaces | wc -l) namespaces, ${#SLEEPS[@]} sleeping holders"

echo "== benchmarking"
VETH_BENCH_NETNS=$HOST VETH_BENCH_LEAKED=$LEAKED VETH_BENCH_LIVE=$LIVE VETH_BENCH_SUMMARY=$SCRATCH/summary.txt \
    dotnet run -c Release --no-build --project "$PROJECT" -- --artifacts "$ARTIFACTS" "$@"

echo "== cleaning up"
teardown
echo "   nothing named $HOST* is left ($(ip netns list | grep -c '^vxb-' || true) vxb-* namespaces in ip netns list)"
echo
echo "== summary ($(uname -r), $(nproc) cores; full results in ${ARTIFACTS#"$REPO"/})"
cat "$SCRATCH/summary.txt"

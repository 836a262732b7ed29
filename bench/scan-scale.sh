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
SCRATCH=$(mktemp -d)
source "$REPO/bench/lib/scale-host.sh"

on_exit() {
    local status=$?
    scale_host_teardown || status=1
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
scale_host_create "$LEAKED" "$LIVE"
echo "   built in $((SECONDS - started)) s: $(ip -n "$HOST" -o link show type veth | wc -l) veths in $HOST, $(scale_host_namespaces | wc -l) namespaces, ${#SCALE_HOLDERS[@]} sleeping holders"

echo "== benchmarking"
VETH_BENCH_NETNS=$HOST VETH_BENCH_LEAKED=$LEAKED VETH_BENCH_LIVE=$LIVE VETH_BENCH_SUMMARY=$SCRATCH/summary.txt \
    dotnet run -c Release --no-build --project "$PROJECT" -- --artifacts "$ARTIFACTS" "$@"

echo "== cleaning up"
scale_host_teardown
echo "   nothing named $HOST* is left ($(ip netns list | grep -c '^vxb-' || true) vxb-* namespaces in ip netns list)"
echo
echo "== summary ($(uname -r), $(nproc) cores; full results in ${ARTIFACTS#"$REPO"/})"
cat "$SCRATCH/summary.txt"

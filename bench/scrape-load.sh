#!/usr/bin/env bash
# Measures what a Prometheus fleet sees of the exporter at scale, next to node_exporter on the same
# machine in the same run. Run as root:
#
#   [SCAN_INTERVAL=30s] bench/scrape-load.sh [LEAKED] [LIVE]        (default 1000 1000)
#
# The exporter is the Native AOT binary, published as the Dockerfile publishes it.
# 1. Idle resident memory of `veth-exporter serve` and of prometheus-node-exporter, both just started
#    on loopback with nothing to report.
# 2. The scale setup (bench/lib/scale-host.sh), `serve --netns` on it, one scan done: resident memory;
#    /metrics latency with 50 scrapers each scraping once a second for 30 s (bench/scrapers.py, as 50
#    Prometheus servers would); then a saturation run, 50 connections back to back for 20 s (wrk), for
#    throughput; then RSS again. Scrapes never scan: they read the last snapshot.
# 3. Side by side in the same run, interleaved: the serve scan (veth_exporter_scan_duration_seconds after
#    warm-up, one sample per scan) against `ip -j -d link show` of the same namespace; the one-shot
#    `scan` of the AOT binary, process start included, against the same listing; and
#    prometheus-node-exporter's /metrics under the same 50 scrapers.
set -euo pipefail
LEAKED=${1:-1000}
LIVE=${2:-1000}
((EUID == 0)) || { echo "$0: must run as root" >&2; exit 2; }
for tool in ip nsenter wrk curl python3 clang prometheus-node-exporter dotnet od; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool (Debian: wrk, curl, python3, clang, prometheus-node-exporter)" >&2; exit 2; }
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$REPO/bench/lib/scale-host.sh"
SCRATCH=$(mktemp -d)
PIDS=()
cleanup() {
    local status=$?
    if ((${#PIDS[@]} > 0)); then
        kill "${PIDS[@]}" 2>/dev/null || true
        wait "${PIDS[@]}" 2>/dev/null || true
    fi
    scale_host_teardown || status=1
    rm -rf "$SCRATCH"
    exit "$status"
}
trap cleanup EXIT

rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
wait_ready() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "$1 never answered" >&2; return 1; }

echo "== publishing veth-exporter with Native AOT (as the Dockerfile does)"
dotnet publish "$REPO/src/VethExporter/VethExporter.csproj" -c Release -r linux-x64 -p:PublishAot=true -p:StripSymbols=true -o "$SCRATCH/publish" \
    >"$SCRATCH/publish.log" 2>&1 || { cat "$SCRATCH/publish.log" >&2; exit 1; }
EXPORTER="$SCRATCH/publish/veth-exporter"

echo "== idle, same machine, same run"
"$EXPORTER" serve --web.listen-address 127.0.0.1:19914 --state.file "$SCRATCH/idle.json" >"$SCRATCH/idle.log" 2>&1 &
idle=$!; PIDS+=($idle)
prometheus-node-exporter --web.listen-address=127.0.0.1:19910 >"$SCRATCH/node.log" 2>&1 &
node=$!; PIDS+=($node)
wait_ready http://127.0.0.1:19914/readyz
wait_ready http://127.0.0.1:19910/metrics
curl -fs http://127.0.0.1:19914/metrics >/dev/null; curl -fs http://127.0.0.1:19910/metrics >/dev/null
sleep 5
idle_rss=$(rss_mib "$idle"); node_rss=$(rss_mib "$node")
node_scrapers=$(python3 "$REPO/bench/scrapers.py" http://127.0.0.1:19910/metrics 50 30 1)
kill "$idle" "$node"; wait "$idle" "$node" 2>/dev/null || true; PIDS=()

echo "== scale setup: $LEAKED leaked + $LIVE live pairs"
scale_host_create "$LEAKED" "$LIVE"
"$EXPORTER" serve --netns "/run/netns/$HOST" --web.listen-address 127.0.0.1:19914 --scan.interval "${SCAN_INTERVAL:-30s}" \
    --state.file "$SCRATCH/scale.json" --metrics.orphan-details --path.cni-cache "$SCRATCH/no-cni" >"$SCRATCH/scale.log" 2>&1 &
served=$!; PIDS+=($served)
wait_ready http://127.0.0.1:19914/readyz
page_bytes=$(curl -fs http://127.0.0.1:19914/metrics | wc -c)
orphans=$(curl -fs http://127.0.0.1:19914/metrics | awk -F' ' '/^veth_interfaces\{.*state="orphan"/ { n += $2 } END { print n + 0 }')
scale_rss_before=$(rss_mib "$served")
scrapers=$(python3 "$REPO/bench/scrapers.py" http://127.0.0.1:19914/metrics 50 30 1)
wrk -t 2 -c 50 -d 20s --latency http://127.0.0.1:19914/metrics >"$SCRATCH/wrk.txt"
scale_rss_after=$(rss_mib "$served")
scan_ms=$(curl -fs http://127.0.0.1:19914/metrics | awk '/^veth_exporter_scan_duration_seconds / { printf "%.0f", $2 * 1000 }')

kill "$served"; wait "$served" 2>/dev/null || true; PIDS=()

# Interleaved: a serve scan every 2 s against ip; one-shot scans against ip.
ms_of() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
"$EXPORTER" serve --netns "/run/netns/$HOST" --web.listen-address 127.0.0.1:19914 --scan.interval 2s \
    --state.file "$SCRATCH/side.json" --path.cni-cache "$SCRATCH/no-cni" >"$SCRATCH/side.log" 2>&1 &
served=$!; PIDS+=($served)
wait_ready http://127.0.0.1:19914/readyz
sleep 6 # warm-up: a few scans
serve_scans=() ip_serve=() oneshot=() ip_oneshot=()
for _ in $(seq 1 10); do
    sleep 2
    serve_scans+=("$(curl -fs http://127.0.0.1:19914/metrics | awk '/^veth_exporter_scan_duration_seconds / { printf "%.0f", $2 * 1000 }')")
    ip_serve+=("$(ms_of ip -n "$HOST" -j -d link show)")
done
kill "$served"; wait "$served" 2>/dev/null || true; PIDS=()
for _ in $(seq 1 10); do
    oneshot+=("$(ms_of "$EXPORTER" scan --output json --netns "/run/netns/$HOST" --state.file "$SCRATCH/oneshot.json" --path.cni-cache "$SCRATCH/no-cni")")
    ip_oneshot+=("$(ms_of ip -n "$HOST" -j -d link show)")
done

cat "$SCRATCH/wrk.txt"
percentile() { awk -v p="$1" '$1 == p { print $2 }' "$SCRATCH/wrk.txt"; }
echo
echo "== summary ($LEAKED leaked + $LIVE live pairs, $orphans orphans, /metrics $((page_bytes / 1024)) KiB with --metrics.orphan-details)"
printf '%-46s %s\n' "idle RSS veth-exporter / node_exporter:" "$idle_rss MiB / $node_rss MiB"
printf '%-46s %s\n' "RSS at scale (after first scan / after load):" "$scale_rss_before MiB / $scale_rss_after MiB"
printf '%-46s %s\n' "scan at scale (veth_exporter_scan_duration):" "$scan_ms ms"
printf '%-46s %s\n' "/metrics, 50 scrapers at 1/s:" "$scrapers"
printf '%-46s %s\n' "node_exporter /metrics, same 50 scrapers:" "$node_scrapers"
printf '%-46s %s\n' "serve scan / ip listing (medians of 10):" "$(median "${serve_scans[@]}") ms / $(median "${ip_serve[@]}") ms"
printf '%-46s %s\n' "one-shot AOT scan / ip listing (medians of 10):" "$(median "${oneshot[@]}") ms / $(median "${ip_oneshot[@]}") ms"
printf '%-46s %s\n' "saturated, 50 connections back to back:" "$(awk '/Requests\/sec/ { print $2 }' "$SCRATCH/wrk.txt") req/s, p50 $(percentile 50%) p99 $(percentile 99%)"

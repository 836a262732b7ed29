#!/usr/bin/env bash
# Runs every test suite of the repository and prints one closing line "N passed, N failed".
#
#   sudo scripts/test.sh
#
# As root on Debian it first installs what the tests need (iproute2, iptables, nftables, promtool, …).
# The kernel tests need root: they build throw-away network namespaces. Under CI=true a skipped test is a
# failure, so a run that could not exercise the kernel is never green.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# tool:package pairs the tests use.
requirements=(
  ip:iproute2 tc:iproute2 iptables:iptables ip6tables:iptables nft:nftables ebtables:ebtables
  ps:procps setpriv:util-linux nsenter:util-linux unshare:util-linux python3:python3 curl:curl openssl:openssl
  promtool:prometheus prometheus:prometheus prometheus-alertmanager:prometheus-alertmanager amtool:prometheus-alertmanager
  prometheus-node-exporter:prometheus-node-exporter ping:iputils-ping kill:procps
  clang:clang /usr/include/zlib.h:zlib1g-dev
  podman:podman runc:runc conmon:conmon containerd:containerd dockerd:docker.io /usr/bin/docker:docker.io /bin/busybox:busybox-static /usr/lib/cni/bridge:containernetworking-plugins
)
missing=()
for requirement in "${requirements[@]}"; do
  tool=${requirement%%:*} package=${requirement#*:}
  if [[ $tool = /* ]]; then
    [ -e "$tool" ] || missing+=("$package")
  elif ! PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing test dependencies: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing test dependencies (install as root): ${missing[*]}" >&2
  fi
fi
export PATH="$PATH:/usr/sbin:/sbin"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet not found: install the .NET 10 SDK first" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# What the tests must leave exactly as they found it.
links_before=$(ip -o link show 2>/dev/null | sed 's/^[0-9]*: //' | awk '{print $1}' | sort)
netns_before=$(ip netns list 2>/dev/null | awk '$1 ~ /^vx[tb]-/ {print $1}' | sort)

status=0
MSBUILDTERMINALLOGGER=off dotnet test VethExporter.sln -c Release --nologo 2>&1 | tee "$log" || status=$?

passed=0 failed=0 skipped=0
while read -r f p s; do
  failed=$((failed + f)) passed=$((passed + p)) skipped=$((skipped + s))
done < <(sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \3 \4/p' "$log")
projects=$(grep -cE '(Passed|Failed)! +- Failed:' "$log" || true)
if [ "$projects" -lt 2 ]; then
  echo "expected results from both test projects, found $projects" >&2
  status=1
fi

# A suite that ends with its own "N passed, N failed" line adds to the totals. Its output goes through a
# file rather than `tee /dev/stderr`, which would reopen (and truncate) a log our stderr points to.
run_suite() {
  local name=$1 output last
  shift
  output=$(mktemp)
  "$@" >"$output" 2>&1 || status=1
  cat "$output" >&2
  last=$(tail -n 1 "$output")
  rm -f "$output"
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
  else
    echo "$name printed no summary" >&2
    failed=$((failed + 1))
  fi
}

run_suite "rule tests" tests/rules/run.sh
# The binary the Dockerfile builds (Native AOT), published the same way and smoke-tested.
run_suite "publish smoke test" scripts/publish-smoke.sh

links_after=$(ip -o link show 2>/dev/null | sed 's/^[0-9]*: //' | awk '{print $1}' | sort)
if [ "$links_before" != "$links_after" ]; then
  echo "the tests changed this machine's own interfaces:" >&2
  diff <(echo "$links_before") <(echo "$links_after") >&2 || true
  failed=$((failed + 1))
fi
# Only namespaces that appeared during this run count (a benchmark may be running alongside).
leaked=$(comm -13 <(echo "$netns_before") <(ip netns list 2>/dev/null | awk '$1 ~ /^vx[tb]-/ {print $1}' | sort))
if [ -n "$leaked" ]; then
  echo "the tests left network namespaces behind: $leaked" >&2
  failed=$((failed + 1))
fi
if [ "${CI:-}" = "true" ] && [ "$skipped" -gt 0 ]; then
  echo "$skipped tests were skipped; in CI every test must run (are we root?)" >&2
  failed=$((failed + skipped))
fi

[ "$failed" -eq 0 ] || status=1
printf '\n%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
exit "$status"

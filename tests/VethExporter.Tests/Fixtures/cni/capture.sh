#!/usr/bin/env bash
# Regenerates the CNI fixtures from the real plugins in /usr/lib/cni. Run as root from the repository root:
#   tests/VethExporter.Tests/Fixtures/cni/capture.sh
# Everything happens in a throw-away fake host namespace with container namespaces of its own; host-local
# data and every config live under a temp dir. The plugins are called as a runtime calls them (config on
# stdin, CNI_* in the environment, conflists chained with prevResult and runtimeConfig as libcni does).
# Scenarios: ptp+host-local; bridge(ipMasq)+host-local+portmap+bandwidth (iptables-nft, the default here);
# the same bridge chain once more with iptables-legacy first on PATH; bridge+firewall; a /29 filled until
# host-local refuses. The tc filter dump is taken with tc-filter-dump.py. Nothing is torn down with DEL
# (the fixtures are what a leak leaves); the namespaces and the temp dir are deleted at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plugins=${CNI_PLUGIN_DIR:-/usr/lib/cni}
rand=$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
host=vxc-host-$rand
tmp=$(mktemp -d /tmp/vxc-cni-XXXXXX)
cleanup() {
  for c in ptp br fw lg; do ip netns del "vxc-ctr-$c-$rand" 2>/dev/null || true; done
  ip netns del "$host" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$host"
ip -n "$host" link set lo up
ip netns exec "$host" sysctl -qw net.ipv4.ip_forward=1

# add CONFIG_FILE CONTAINER_ID IFNAME CTR_NETNS RUNTIME_CONFIG_JSON OUT_RESULT [PATH_PREFIX]
# Runs a conflist's plugins in order like libcni's addNetworkList: each gets name/cniVersion, the
# previous result as prevResult, and runtimeConfig with only the capabilities it declares.
add() {
  local conf=$1 cid=$2 ifname=$3 ctr=$4 rc=$5 out=$6 prefix=${7:-}
  local name version n prev='null'
  name=$(jq -r .name "$conf"); version=$(jq -r .cniVersion "$conf")
  if jq -e 'has("plugins")' "$conf" >/dev/null; then n=$(jq '.plugins|length' "$conf"); else n=0; fi
  for ((i = 0; i < (n == 0 ? 1 : n); i++)); do
    local plugin
    if ((n == 0)); then plugin=$(jq -c . "$conf"); else plugin=$(jq -c --argjson i "$i" '.plugins[$i]' "$conf"); fi
    local type; type=$(jq -r .type <<<"$plugin")
    local input
    input=$(jq -c --arg name "$name" --arg v "$version" --argjson prev "$prev" --argjson rc "$rc" '
      . + {name: $name, cniVersion: $v}
      + (if $prev == null then {} else {prevResult: $prev} end)
      + ((.capabilities // {}) as $caps | ($rc | with_entries(select($caps[.key] == true))) as $r
         | if ($r | length) > 0 then {runtimeConfig: $r} else {} end)' <<<"$plugin")
    prev=$(ip netns exec "$host" env PATH="${prefix:+$prefix:}$PATH" CNI_COMMAND=ADD CNI_CONTAINERID="$cid" \
      CNI_NETNS="/run/netns/$ctr" CNI_IFNAME="$ifname" CNI_PATH="$plugins" \
      CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=fixtures;K8S_POD_NAME=pod-$cid" \
      "$plugins/$type" <<<"$input")
  done
  jq . <<<"$prev" > "$out"
}

newctr() { local c=vxc-ctr-$1-$rand; ip netns add "$c"; ip -n "$c" link set lo up; echo "$c"; }

mkdir -p "$tmp/ipam" "$here/results" "$here/leases" "$here/conf" "$here/firewall" "$here/tc"
sed "s#@DATADIR@#$tmp/ipam#" "$here/conf/ptpnet.conflist.in" > "$tmp/ptpnet.conflist"
sed "s#@DATADIR@#$tmp/ipam#" "$here/conf/bridgenet.conflist.in" > "$tmp/bridgenet.conflist"
sed "s#@DATADIR@#$tmp/ipam#" "$here/conf/legacynet.conflist.in" > "$tmp/legacynet.conflist"
sed "s#@DATADIR@#$tmp/ipam#" "$here/conf/fwnet.conflist.in" > "$tmp/fwnet.conflist"
sed "s#@DATADIR@#$tmp/ipam#" "$here/conf/tiny.conf.in" > "$tmp/tiny.conf"

rc='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"ingressRate":1000000,"ingressBurst":100000,"egressRate":2000000,"egressBurst":200000}}'

cid_ptp=ptp0$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')
add "$tmp/ptpnet.conflist" "$cid_ptp" eth0 "$(newctr ptp)" '{}' "$here/results/ptp.json"
cid_br=br0$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')
add "$tmp/bridgenet.conflist" "$cid_br" eth0 "$(newctr br)" "$rc" "$here/results/bridge-portmap-bandwidth.json"
cid_fw=fw0$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')
add "$tmp/fwnet.conflist" "$cid_fw" eth0 "$(newctr fw)" '{}' "$here/results/bridge-firewall.json"

# The legacy backend: the same kind of chain, with go-iptables finding iptables-legacy first.
mkdir -p "$tmp/legacy-bin"
for t in iptables ip6tables iptables-save ip6tables-save iptables-restore ip6tables-restore; do
  ln -s "/usr/sbin/${t/tables/tables-legacy}" "$tmp/legacy-bin/$t"
done
cid_lg=lg0$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')
add "$tmp/legacynet.conflist" "$cid_lg" eth0 "$(newctr lg)" '{"portMappings":[{"hostPort":9090,"containerPort":90,"protocol":"tcp"}]}' \
  "$here/results/legacy-bridge-portmap.json" "$tmp/legacy-bin"

# host-local alone on a /29 until it is full: the pool size the plugin really has.
: > "$here/leases/tiny-fill.txt"
for k in $(seq 1 8); do
  if out=$(env CNI_COMMAND=ADD CNI_CONTAINERID=fill$k CNI_NETNS=/nonexistent CNI_IFNAME=eth0 CNI_PATH="$plugins" \
      "$plugins/host-local" < "$tmp/tiny.conf" 2>&1); then
    echo "ADD fill$k: $(jq -r '.ips[0].address' <<<"$out")" >> "$here/leases/tiny-fill.txt"
  else
    echo "ADD fill$k: $(jq -r '.msg // .' <<<"$out" 2>/dev/null || echo "$out")" >> "$here/leases/tiny-fill.txt"
    break
  fi
done

# Listings.
ip netns exec "$host" iptables-nft-save > "$here/firewall/iptables-nft-save.txt"
ip netns exec "$host" ip6tables-nft-save > "$here/firewall/ip6tables-nft-save.txt"
ip netns exec "$host" iptables-legacy-save > "$here/firewall/iptables-legacy-save.txt"
ip netns exec "$host" ip6tables-legacy-save > "$here/firewall/ip6tables-legacy-save.txt"
ip netns exec "$host" nft list ruleset > "$here/firewall/nft-list-ruleset.txt"

# Leases, as files: name, then content in base64 (\r\n kept exactly).
rm -rf "$here/leases/networks"; mkdir -p "$here/leases/networks"
(cd "$tmp/ipam" && find . -type f | sort | while read -r f; do
  mkdir -p "$here/leases/networks/$(dirname "$f")"; cp "$f" "$here/leases/networks/$f"; done)

# The tc filters on the bridge scenario's host veth ingress (the bandwidth plugin's mirred to its ifb).
hostveth=$(jq -r '.interfaces[] | select(.sandbox == null or .sandbox == "") | select(.name | startswith("veth")) | .name' \
  "$here/results/bridge-portmap-bandwidth.json" | head -1)
ip netns exec "$host" python3 "$here/tc-filter-dump.py" "$hostveth" "$here/tc/filters-ingress.bin"
{
  echo "# Captured $(date -u +%Y-%m-%d) on Linux $(uname -r), bandwidth plugin from $plugins"
  echo "# ip -d link show (fake host):"; ip -n "$host" -d link show
  echo "# tc qdisc show:"; ip netns exec "$host" tc qdisc show
  echo "# tc filter show dev $hostveth ingress:"; ip netns exec "$host" tc -d filter show dev "$hostveth" ingress
} > "$here/tc/ip-view.txt"
echo "captured into $here"

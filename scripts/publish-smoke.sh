#!/usr/bin/env bash
# Publishes veth-exporter exactly as the Dockerfile's build stage does (its COPY
# and dotnet steps, run here without Docker) and smoke-tests the binary:
#
#   sudo scripts/publish-smoke.sh
#
# Items, each passed or failed:
#   - the publish succeeds with no trim, AOT or other build warning,
#   - the output is one native executable (no .dll, no runtime next to it),
#   - --help,
#   - `scan --output json` of a fake host (a network namespace made here) finds
#     its leaked veth as an orphan,
#   - `serve` on a loopback port: /readyz, /healthz, /metrics in the 0.0.4 text
#     format and in OpenMetrics,
#   - idle memory: VmRSS of `serve` and of prometheus-node-exporter, both on
#     loopback ports, a few seconds after one scrape each (printed side by side).
# The last line is exactly "N passed, N failed". Needs root (namespaces), clang
# and zlib1g-dev (Native AOT), curl, python3 and prometheus-node-exporter:
# scripts/test.sh installs them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok: $1"; }
fail() { failed=$((failed + 1)); printf '\n*** FAILED: %s ***\n\n' "$1" >&2; }
summary() {
  printf '%d passed, %d failed\n' "$passed" "$failed"
  if [ "$failed" -eq 0 ]; then exit 0; fi
  exit 1
}

work=$(mktemp -d /tmp/vxt-publish-XXXXXX)
fakehost="vxt-$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  ip netns del "$fakehost-leak" 2>/dev/null || true
  ip netns del "$fakehost" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url: until it answers 200, at most 30 s
  for _ in $(seq 1 150); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ]; then return 0; fi
    sleep 0.2
  done
  return 1
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# 1. The Dockerfile's build stage, step by step: WORKDIR, COPY from the build
# context (this checkout), RUN dotnet …; package installs are scripts/test.sh's job.
echo "Publishing as the Dockerfile does"
context="$work/context"
workdir="$context"
log="$work/publish.log"
publish_ok=true
while IFS= read -r step; do
  read -r -a words <<<"$step"
  case "${words[0]}" in
    WORKDIR)
      workdir="$context${words[1]}"
      mkdir -p "$workdir"
      ;;
    COPY)
      dest=${words[-1]}
      [[ $dest = /* ]] && dest="$context$dest" || dest="$workdir/$dest"
      for source in "${words[@]:1:${#words[@]}-2}"; do
        mkdir -p "$dest"
        if [ -d "$repo/$source" ]; then
          # Like COPY dir/ dest/: the contents, without what .dockerignore leaves out.
          (cd "$repo/$source" && tar -cf - --exclude=bin --exclude=obj .) | (cd "$dest" && tar -xf -)
        else
          cp "$repo/$source" "$dest/"
        fi
      done
      ;;
    RUN)
      command=${step#RUN }
      if [[ $command = dotnet\ * ]]; then
        command=${command//\/out/$work\/out}
        echo "  $command"
        if ! (cd "$workdir" && eval "$command") >>"$log" 2>&1; then publish_ok=false; fi
      else
        echo "  (skipped, installed by scripts/test.sh: ${command%%&&*})"
      fi
      ;;
  esac
done < <(awk '
  /^FROM .* AS build/ { build = 1; next }
  /^FROM / { build = 0 }
  !build || /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
  { line = line $0 }
  /\\$/ { sub(/\\$/, "", line); next }
  { gsub(/[[:space:]]+/, " ", line); print line; line = "" }
' Dockerfile)

binary="$work/out/veth-exporter"
warnings=$(grep -E ': warning [A-Z]+[0-9]+' "$log" | grep -v 'warning NU1603' | sort -u || true)
if $publish_ok && [ -x "$binary" ] && [ -z "$warnings" ]; then
  pass "published with Native AOT, no warnings ($(du -h "$binary" | cut -f1))"
else
  tail -n 40 "$log" >&2
  [ -n "$warnings" ] && echo "$warnings" >&2
  fail "publish as in the Dockerfile"
  summary
fi

others=$(find "$work/out" -type f ! -name veth-exporter ! -name '*.dbg' -printf '%f ')
if [ "$(head -c 4 "$binary" | od -An -c | tr -d ' ')" = '177ELF' ] && [ -z "$others" ]; then
  pass "one native executable"
else
  fail "one native executable (also found: $others)"
fi

if "$binary" --help | grep -q '^usage: veth-exporter'; then
  pass "--help"
else
  fail "--help"
fi

# 2. A fake host with one leak: a pinned namespace without a process.
if [ "$(id -u)" -ne 0 ]; then
  fail "the rest needs root (it makes network namespaces)"
  summary
fi
if ! { ip netns add "$fakehost" && ip netns add "$fakehost-leak" && ip -n "$fakehost" link set lo up \
  && ip -n "$fakehost" link add vxsmoke type veth peer name eth0 netns "$fakehost-leak" \
  && ip -n "$fakehost" link set vxsmoke up; }; then
  fail "building the fake host"
  summary
fi

if "$binary" scan --netns "/run/netns/$fakehost" --output json >"$work/scan.json" 2>"$work/scan.err" \
  && python3 - "$work/scan.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
[leak] = [i for i in doc["interfaces"] if i["name"] == "vxsmoke"]
assert leak["state"] == "orphan" and leak["reason"] == "pinned_no_process", leak
assert doc["hostViewComplete"] is True, doc
PY
then
  pass "scan finds the leak"
else
  cat "$work/scan.json" "$work/scan.err" >&2 || true
  fail "scan of a fake host"
fi

# 3. serve, as the Dockerfile's CMD does, on a loopback port.
port=$(free_port)
"$binary" serve --netns "/run/netns/$fakehost" --web.listen-address "127.0.0.1:$port" \
  --state.file "$work/state.json" --remediation.audit-file "$work/audit.log" >"$work/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
if wait_http "http://127.0.0.1:$port/readyz" && wait_http "http://127.0.0.1:$port/healthz"; then
  pass "serve: /readyz and /healthz"
else
  cat "$work/serve.log" >&2
  fail "serve: /readyz and /healthz"
fi
text=$(curl -s "http://127.0.0.1:$port/metrics" || true)
openmetrics=$(curl -s -H 'Accept: application/openmetrics-text;version=1.0.0' "http://127.0.0.1:$port/metrics" || true)
if grep -q '^veth_orphaned_interfaces{bridge="none",reason="pinned_no_process"} 1$' <<<"$text" \
  && grep -q '^veth_exporter_host_view_complete 1' <<<"$text" \
  && grep -q '^# TYPE veth_orphan_age_seconds gaugehistogram$' <<<"$openmetrics" \
  && [ "$(tail -n 1 <<<"$openmetrics")" = '# EOF' ]; then
  pass "serve: /metrics (text and OpenMetrics)"
else
  echo "$text" | head -40 >&2
  fail "serve: /metrics"
fi

# 3b. serve behind a web configuration: TLS and a bcrypt-hashed basic-auth user,
# the code paths (SslStream, BCrypt.Net) that only a native build can prove AOT-clean.
tls_port=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/tls.key" -out "$work/tls.crt" \
  -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
# bcrypt, cost 10, of the password "pw".
printf 'tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  smoke: %s\n' \
  '$2a$10$QWrT347RE7CLMPS7ZhY9d.N6PTFvLL/ucmZUmtA4mho.QCjFF2AzK' >"$work/web.yml"
"$binary" serve --netns "/run/netns/$fakehost" --web.listen-address "127.0.0.1:$tls_port" --web.config.file "$work/web.yml" \
  --state.file "$work/state-tls.json" --remediation.audit-file "$work/audit-tls.log" >"$work/serve-tls.log" 2>&1 &
pids+=("$!")
tls_url="https://127.0.0.1:$tls_port/metrics"
for _ in $(seq 1 150); do
  [ "$(curl -s --cacert "$work/tls.crt" -u smoke:pw -o /dev/null -w '%{http_code}' "$tls_url" 2>/dev/null)" = 200 ] && break
  sleep 0.2
done
if [ "$(curl -s --cacert "$work/tls.crt" -u smoke:pw -o /dev/null -w '%{http_code}' "$tls_url")" = 200 ] \
  && [ "$(curl -s --cacert "$work/tls.crt" -u smoke:wrong -o /dev/null -w '%{http_code}' "$tls_url")" = 401 ] \
  && [ "$(curl -s --cacert "$work/tls.crt" -o /dev/null -w '%{http_code}' "$tls_url")" = 401 ]; then
  pass "serve --web.config.file: TLS, bcrypt basic auth (401 without, 200 with the password)"
else
  cat "$work/serve-tls.log" >&2
  fail "serve --web.config.file"
fi
printf 'basic_auth_users:\n  smoke: not-a-hash\n' >"$work/bad-web.yml"
set +e
"$binary" serve --web.config.file "$work/bad-web.yml" >/dev/null 2>"$work/bad-web.err"
bad_code=$?
set -e
if [ "$bad_code" = 2 ] && grep -q 'line 2' "$work/bad-web.err"; then
  pass "a bad web configuration is a usage error (exit 2)"
else
  cat "$work/bad-web.err" >&2
  fail "a bad web configuration exited $bad_code"
fi

# 4. Idle memory next to node_exporter: both on loopback, one scrape each, then idle.
node_exporter=$(command -v prometheus-node-exporter || command -v node_exporter || true)
if [ -z "$node_exporter" ]; then
  fail "idle RSS: prometheus-node-exporter not installed"
else
  node_port=$(free_port)
  "$node_exporter" --web.listen-address="127.0.0.1:$node_port" >"$work/node.log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
  if wait_http "http://127.0.0.1:$node_port/metrics"; then
    curl -s -o /dev/null "http://127.0.0.1:$port/metrics"
    sleep 5
    ours=$(rss_kb "$serve_pid")
    theirs=$(rss_kb "$node_pid")
    echo "  idle RSS: veth-exporter $((ours / 1024)) MiB ($ours kB), prometheus-node-exporter $((theirs / 1024)) MiB ($theirs kB)"
    # The DaemonSet's memory limit is 160Mi; idle use must stay well under it.
    if [ "$ours" -lt $((100 * 1024)) ]; then
      pass "idle RSS under 100 MiB"
    else
      fail "idle RSS of veth-exporter is $ours kB"
    fi
  else
    cat "$work/node.log" >&2
    fail "idle RSS: node_exporter did not start"
  fi
fi

summary

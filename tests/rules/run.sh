#!/usr/bin/env bash
# Checks the Prometheus rules in alerts/ and runs their unit tests.
#
#   tests/rules/run.sh        (from any directory; it works from the repo root)
#
# Items, each passed or failed:
#   - `promtool check rules --lint=all --lint-fatal` of each alerts/*.yml,
#   - `promtool test rules` of each tests/rules/*.test.yml,
#   - coverage: every alert is named by an alert_rule_test and has a section in
#     docs/runbook.md, and every recording rule is the expr of a
#     promql_expr_test.
# The last line printed is exactly "N passed, N failed"; the exit status is 0
# only when nothing failed. promtool comes from the Debian package
# "prometheus"; this script installs nothing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

passed=0
failed=0

pass() {
  passed=$((passed + 1))
}

fail() {
  failed=$((failed + 1))
  printf '\n*** FAILED: %s ***\n\n' "$1" >&2
}

summary() {
  printf '%d passed, %d failed\n' "$passed" "$failed"
  if [ "$failed" -eq 0 ]; then
    exit 0
  fi
  exit 1
}

if ! command -v promtool >/dev/null 2>&1; then
  fail "promtool not found (Debian package: prometheus)"
  summary
fi

shopt -s nullglob
rule_files=(alerts/*.yml alerts/*.yaml)
test_files=(tests/rules/*.test.yml tests/rules/*.test.yaml)
shopt -u nullglob

if [ "${#rule_files[@]}" -eq 0 ]; then
  fail "no rule files in alerts/"
fi
if [ "${#test_files[@]}" -eq 0 ]; then
  fail "no test files in tests/rules/"
fi

for f in "${rule_files[@]}"; do
  if promtool check rules --lint=all --lint-fatal "$f"; then
    pass
  else
    fail "promtool check rules $f"
  fi
done

for f in "${test_files[@]}"; do
  if promtool test rules "$f"; then
    pass
  else
    fail "promtool test rules $f"
  fi
done

if [ "${#rule_files[@]}" -gt 0 ] && [ "${#test_files[@]}" -gt 0 ]; then
  echo "Checking tests and runbook sections of every alert and recording rule"
  missing=0
  alerts=$(sed -n 's/^[[:space:]]*-[[:space:]]*alert:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "${rule_files[@]}")
  records=$(sed -n 's/^[[:space:]]*-[[:space:]]*record:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "${rule_files[@]}")
  for a in $alerts; do
    if ! grep -qE "^[[:space:]]*-?[[:space:]]*alertname:[[:space:]]*${a}[[:space:]]*\$" "${test_files[@]}"; then
      echo "  alert without a test: $a" >&2
      missing=$((missing + 1))
    fi
    if ! grep -qE "^## ${a}[[:space:]]*\$" docs/runbook.md 2>/dev/null; then
      echo "  alert without a section in docs/runbook.md: $a" >&2
      missing=$((missing + 1))
    fi
  done
  for r in $records; do
    if ! grep -qE "^[[:space:]]*-?[[:space:]]*expr:[[:space:]]*${r}[[:space:]]*\$" "${test_files[@]}"; then
      echo "  recording rule without a test: $r" >&2
      missing=$((missing + 1))
    fi
  done
  if [ "$missing" -eq 0 ]; then
    echo "  SUCCESS: $(echo "$alerts" | wc -w) alerts and $(echo "$records" | wc -w) recording rules tested, every alert in the runbook"
    pass
  else
    fail "coverage: $missing missing tests or runbook sections"
  fi
fi

summary

#!/usr/bin/env bash
# Measures the ledger at scale, with release builds:
#   1. criterion benchmarks of the projections (plan rebuilds from 10^4 to 10^6 events, the plan
#      at a point in time on 10^6 events, the impact narrative) and of reads from a 10^5-event
#      ledger on disk with its kept projections (plan snapshots, the subject index);
#   2. end to end with the real binary: building a 10^6-event demo ledger, verifying it, and
#      reading the plan and the narrative from it.
# Usage: bench/run.sh [OUTPUT_DIR]   (default: a temporary directory, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo bench -p wsoa-core --bench projections
cargo bench -p wsoa-store --bench reads

cargo build --release -p wsoa-cli
wsoa=target/release/wsoa
work=${1:-$(mktemp -d)}
data="$work/demo-1m"
rm -rf "$data"

timed() {
  local label=$1
  shift
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  awk -v label="$label" -v ns="$((end - start))" 'BEGIN { printf "%-40s %8.2f s\n", label, ns / 1e9 }'
}

echo "== end to end, release build, $(nproc) cores"
timed "demo --events 1000000 (build + verify)" "$wsoa" --data "$data" demo --events 1000000
timed "verify (1e6 events)" "$wsoa" --data "$data" verify
timed "show (1e6 events)" "$wsoa" --data "$data" show
timed "show --at 500000" "$wsoa" --data "$data" show --at 500000
timed "narrative --style html" "$wsoa" --data "$data" narrative --style html
"$wsoa" key generate --name bench --out "$work/bench.key" >/dev/null
timed "checkpoint (root of 1e6 events)" "$wsoa" --data "$data" checkpoint --key "$work/bench.key"
timed "prove 500000 (inclusion, 1e6)" "$wsoa" --data "$data" prove 500000 --format json
timed "prove --from 1000 --to 1000000" "$wsoa" --data "$data" prove --from 1000 --to 1000000 --format json
echo "ledger size on disk: $(du -sh "$data" | cut -f1)"
[ -n "${1:-}" ] || rm -rf "$work"

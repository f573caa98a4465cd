#!/usr/bin/env bash
# Measures `wsoa verify` beside the hashing limit (bench/limit.rs: the BLAKE3 chain hashes, the
# RFC 6962 leaf hashes and the Merkle root of the same events, streamed from an exported bundle
# on one core: the least any verifier must do), in one run, on the same machine state.
#   1. builds a ledger with `wsoa demo --events N` and exports it to a bundle;
#   2. runs each program once to warm the page cache, then RUNS times alternately, whole
#      process, timed by /usr/bin/time (wall clock and peak resident memory);
#   3. checks both found the same head hash and root, and prints the best times and the ratio.
# Usage: bench/verify.sh [EVENTS] [RUNS]   (default 1000000 events, 3 runs)
# PROFILE=dev bench/verify.sh 100000 uses debug builds (quicker to build, slower to run);
# WORK=DIR keeps the ledger and bundle in DIR and reuses them on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
runs=${2:-3}
profile=${PROFILE:-release}
case "$profile" in
  release) flag=--release; dir=release ;;
  dev) flag=; dir=debug ;;
  *) echo "PROFILE must be release or dev, not $profile" >&2; exit 2 ;;
esac
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 2; }

# shellcheck disable=SC2086
cargo build $flag -p wsoa-cli -p wsoa-core --bin wsoa --example limit
wsoa=$PWD/target/$dir/wsoa
limit=$PWD/target/$dir/examples/limit

if [ -n "${WORK:-}" ]; then
  work=$WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
data="$work/demo-$events"
bundle="$work/demo-$events.bundle"
if [ ! -d "$data" ]; then
  echo "building a demo ledger of $events events in $data"
  "$wsoa" --data "$data" demo --events "$events" >/dev/null
fi
[ -f "$bundle" ] || "$wsoa" --data "$data" export --out "$bundle" >/dev/null

# Runs "$@" under /usr/bin/time; prints "SECONDS PEAK_KB"; its standard output goes to $work/out.
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out"
  cat "$work/time"
}

"$wsoa" --data "$data" verify --format json >/dev/null
"$limit" "$bundle" >/dev/null
best_v= best_l= peak_v=0 peak_l=0
for _ in $(seq "$runs"); do
  read -r secs kb < <(measure "$wsoa" --data "$data" verify --format json)
  verify_json=$(cat "$work/out")
  best_v=$(awk -v a="$secs" -v b="${best_v:-$secs}" 'BEGIN { print (a < b ? a : b) }')
  [ "$kb" -gt "$peak_v" ] && peak_v=$kb
  read -r secs kb < <(measure "$limit" "$bundle")
  limit_out=$(cat "$work/out")
  best_l=$(awk -v a="$secs" -v b="${best_l:-$secs}" 'BEGIN { print (a < b ? a : b) }')
  [ "$kb" -gt "$peak_l" ] && peak_l=$kb
done

head=$(grep -o '"head":"[0-9a-f]*"' <<<"$verify_json" | cut -d'"' -f4)
root=$(grep -o '"root":"[0-9a-f]*"' <<<"$verify_json" | cut -d'"' -f4)
if [ "$limit_out" != "events $events head $head root $root" ]; then
  echo "the limit program and wsoa verify disagree:" >&2
  echo "  limit: $limit_out" >&2
  echo "  wsoa:  head $head root $root" >&2
  exit 1
fi

echo "== $events events, $profile build, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), best of $runs"
echo "ledger on disk: $(du -sLh "$data" | cut -f1); bundle: $(du -sLh "$bundle" | cut -f1)"
echo
echo "| | wall time | peak memory |"
echo "|---|---|---|"
echo "| \`wsoa verify\` | ${best_v} s | $((peak_v / 1024)) MB |"
echo "| the hashing limit (bench/limit.rs) | ${best_l} s | $((peak_l / 1024)) MB |"
awk -v v="$best_v" -v l="$best_l" 'BEGIN { if (l > 0) printf "| ratio | %.2fx | |\n", v / l; else print "| ratio | (the limit took under 0.01 s) | |" }'

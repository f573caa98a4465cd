#!/usr/bin/env bash
# Measures `wsoa serve` on loopback, release builds, with the load generator in
# server/examples/load.rs (one keep-alive connection per client thread):
#   1. durable appends per second (each 201 is on disk) and their latency percentiles with 1, 8
#      and 64 concurrent writers, on a ledger holding W1;
#   2. plan and timeline reads per second (alternately) with 64 readers while 8 writers append,
#      on the realistic ledger `wsoa demo` builds.
# Each server is stopped with SIGTERM (it must exit 0) and its ledger checked by `wsoa verify`.
# Prints the machine, then a Markdown table (the README's "Server throughput" section).
# Usage: bench/serve.sh [SECONDS_PER_RUN]   (default 15: about 70 s after the build on 2 cores)
# PROFILE=dev bench/serve.sh uses debug builds (quicker to build, slower to run); ONLY=appends
# runs only the appends rows.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
profile=${PROFILE:-release}
case "$profile" in
  release) flag=--release; dir=release ;;
  dev) flag=; dir=debug ;;
  *) echo "PROFILE must be release or dev, not $profile" >&2; exit 2 ;;
esac

# One cargo invocation, so that the dependencies both share are built once, with one feature set.
# shellcheck disable=SC2086
cargo build $flag -p wsoa-cli -p wsoa-server --bin wsoa --example load
wsoa=${WSOA:-$PWD/target/$dir/wsoa}
load=$PWD/target/$dir/examples/load

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
export WSOA_ACTOR="bench.officer@northshire.example"

# Starts a server on $1 in the background; sets server_pid and url (from its first line).
start_server() {
  local data=$1
  "$wsoa" --data "$data" serve --addr 127.0.0.1:0 >"$work/serve.out" 2>>"$work/serve.log" &
  server_pid=$!
  url=
  for _ in $(seq 400); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" | head -n 1 || true)
    [ -n "$url" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "the server exited at start:" >&2
      cat "$work/serve.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  [ -n "$url" ] || { echo "the server printed no address within 20 s" >&2; exit 1; }
  # It prints its address before it opens the ledger; it answers once it serves.
  curl -fsS --retry 20 --retry-connrefused --retry-delay 1 "$url/healthz" >/dev/null
}

# Stops the server with SIGTERM; it must exit 0 and say so.
stop_server() {
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  server_pid=
  if [ "$status" -ne 0 ] || ! grep -q "^Stopped" "$work/serve.out"; then
    echo "the server did not stop cleanly (exit $status):" >&2
    cat "$work/serve.out" >&2
    tail -n 20 "$work/serve.log" >&2
    exit 1
  fi
}

# An officer token for the ledger in $1, made offline.
officer_token() {
  "$wsoa" --data "$1" --format json token create --name "Bench officer" --role officer |
    grep -o '"token":"[^"]*"' | cut -d'"' -f4
}

events() {
  "$wsoa" --data "$1" --format json verify | grep -o '"events":[0-9]*' | cut -d: -f2
}

echo "== machine"
echo "cores: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "ledger disk: $(df -T "$work" | awk 'NR == 2 { print $2 " on " $1 }')"
echo

# 1. Appends: an opened ledger with W1, one server for the three runs.
appends="$work/appends"
"$wsoa" --data "$appends" init --area "Northshire local area" --on 2021-01-04 >/dev/null
"$wsoa" --data "$appends" weakness add W1 --title "Quality assurance" --on 2021-04-20 >/dev/null
token=$(officer_token "$appends")
start_server "$appends"
rows=()
for writers in 1 8 64; do
  rows+=("$("$load" --url "$url" --token "$token" --writers "$writers" --seconds "$seconds")")
done
stop_server
appended=$(events "$appends")

if [ "${ONLY:-}" = appends ]; then
  echo "== wsoa serve on loopback, $profile build, ${seconds} s per row"
  "$load" --header
  printf '%s\n' "${rows[@]}"
  echo
  echo "appends ledger: $appended events, verified"
  exit 0
fi

# 2. Reads while writing: the demo ledger (a whole statement), 64 readers and 8 writers.
demo="$work/demo"
"$wsoa" --data "$demo" demo >/dev/null
before=$(events "$demo")
token=$(officer_token "$demo")
start_server "$demo"
rows+=("$("$load" --url "$url" --token "$token" --writers 8 --readers 64 --seconds "$seconds")")
stop_server
after=$(events "$demo")

echo "== wsoa serve on loopback, $profile build, ${seconds} s per row"
"$load" --header
printf '%s\n' "${rows[@]}"
echo
echo "appends ledger: $appended events, verified; demo ledger: $before events before the reads row, $after after, verified"

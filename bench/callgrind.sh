#!/usr/bin/env bash
# Instructions per request on the request path, counted by callgrind: the
# figure bench/NOTES.md tracks from change to change. Unlike CPU time it
# barely moves on a busy machine, so a 1% change is visible.
#
#   bench/callgrind.sh [--users N] [--seconds S | --iterations I] [--port P] [--keep DIR]
#
# Runs `starling run bench/scenarios/get.yaml` (one GET per journey, one
# worker) under `valgrind --tool=callgrind` against the bench nginx on
# 127.0.0.1, then prints the requests made and instructions per request:
# of each thread, and of `vu::live` inclusive (the virtual users' own work,
# without start-up or the results file: the figure NOTES.md quotes).
# Needs valgrind, nginx and a release build (`cargo build --release -p
# starling`; CARGO_PROFILE_RELEASE_LTO=off builds faster while iterating,
# but NOTES.md's figures are of the default thin-LTO build). --keep DIR
# keeps the callgrind files for `callgrind_annotate`. --iterations I runs
# I journeys per user instead of S seconds: a fixed request count, so two
# builds compare without the per-run costs spread over different counts.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
USERS=20
SECONDS_RUN=6
PORT=18280
KEEP=
ITERATIONS=
while (($#)); do
  case $1 in
    --users) USERS=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --iterations) ITERATIONS=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

STARLING=${CARGO_TARGET_DIR:-$ROOT/target}/release/starling
for tool in valgrind callgrind_annotate nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
[[ -x $STARLING ]] || { echo "no release build at $STARLING (cargo build --release -p starling)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'cleanup; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/nginx/tmp"
nginx_conf "$WORK/nginx" "$PORT" >"$WORK/nginx/nginx.conf"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
PIDS+=($!)
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 0.1
done

BOUND=(--duration "${SECONDS_RUN}s")
[[ -n $ITERATIONS ]] && BOUND=(--iterations "$ITERATIONS" --duration 10m)
valgrind --tool=callgrind --separate-threads=yes \
  --callgrind-out-file="$WORK/cg.%p" \
  "$STARLING" run "$ROOT/bench/scenarios/get.yaml" --host "http://127.0.0.1:$PORT" \
  --users "$USERS" "${BOUND[@]}" --workers 1 --quiet \
  --out "$WORK/results.json" >"$WORK/stdout" 2>"$WORK/valgrind.log"

python3 - "$WORK" <<'PY'
import glob, json, re, subprocess, sys

work = sys.argv[1]
requests = sum(r["count"] for r in json.load(open(f"{work}/results.json"))["requests"].values())
print(f"requests: {requests:,}")
for path in sorted(glob.glob(f"{work}/cg.*-*")):
    text = open(path).read()
    total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
    if total and int(total.group(1)) >= requests:
        print(f"thread {path.rsplit('-', 1)[1]}: {int(total.group(1)) // requests:,} instructions per request")
    annotated = subprocess.run(["callgrind_annotate", "--inclusive=yes", path],
                               capture_output=True, text=True).stdout
    for line in annotated.splitlines():
        if "vu::live::{{closure}} [" in line:
            live = int(line.split()[0].replace(",", ""))
            print(f"vu::live inclusive: {live // requests:,} instructions per request")
            break
PY
if [[ -n $KEEP ]]; then
  mkdir -p "$KEEP"
  cp "$WORK"/cg.* "$KEEP"/
  echo "callgrind files in $KEEP"
fi

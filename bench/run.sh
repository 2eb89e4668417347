#!/usr/bin/env bash
# starling side by side with wrk, oha, Locust (issue 5), and Artillery,
# JMeter and Goose on (a) and (b2), h2load on HTTP/2 (issue 19). One command:
#
#   bench/run.sh [options] [workload...]      workloads: a b c d e f g h i (default all);
#                                             b2 alone: only (b2) of b
#
#   a  one GET per journey (wrk, oha, Locust, Artillery, JMeter, Goose)
#   b  the checkout journey: b against the demo, b2 against nginx's stub
#   c  memory per virtual user: plain HTTP, all at once, HTTPS, h2c, h2 TLS
#   d  a fixed rate of 4,000 requests/s (oha, Locust)
#   e  latency honesty against a 10 ms server (wrk, oha, Locust)
#   f  one GET over HTTPS/1.1 (wrk)
#   g  one GET over HTTP/2, h2c and TLS (h2load)
#   h  one GET of a 10 KiB and of a 1 MiB body (wrk)
#   i  how cost grows: 10 steps per journey, tracing off, thresholds with
#      checkpoints and the Prometheus endpoint (starling against itself)
#
# Only the peers the chosen workloads use are installed.
#
# Options:
#   --duration S     seconds per generator run (default 10)
#   --reps N         repetitions of the throughput runs a, b, d (default 3)
#   --no-oha         do not `cargo install oha` when it is missing (~4 min)
#   --no-goose       do not build the Goose driver (bench/goose) when missing
#   --no-install     install nothing (apt, pip, npm, cargo); skip missing peers
#   --no-build       use the existing release binary
#   --out DIR        raw logs and figures (default bench/out)
#   --results FILE   the report to write (default bench/RESULTS.md)
#
# The target runs on CPU 1 and every generator on CPU 0 (taskset), all on
# 127.0.0.1. Each generator runs under /usr/bin/time: requests per second
# are the tool's own figure, CPU is user+sys of the generator process,
# peak RSS its maximum resident set. Every process started here is stopped
# on exit. See bench/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
OUT=$BENCH/out
RESULTS=$BENCH/RESULTS.md
DUR=10
REPS=3
WANT_OHA=1
WANT_GOOSE=1
INSTALL=1
BUILD=1
WORKLOADS=()
while (($#)); do
  case $1 in
    --duration) DUR=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --no-oha) WANT_OHA=0; shift ;;
    --no-goose) WANT_GOOSE=0; shift ;;
    --no-install) INSTALL=0; WANT_OHA=0; WANT_GOOSE=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT=$2; shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    a|b|b2|c|d|e|f|g|h|i) WORKLOADS+=("$1"); shift ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
((${#WORKLOADS[@]})) || WORKLOADS=(a b c d e f g h i)
# wants W...: whether any of the chosen workloads is one of W (b2 is b's).
wants() {
  local w x
  for w in "${WORKLOADS[@]}"; do
    for x in "$@"; do [[ ${w:0:1} == "$x" ]] && return 0; done
  done
  return 1
}

GEN_CPU=0
TGT_CPU=1
# BENCH_PORT_OFFSET moves every port, so two runs can share a machine.
NGINX_PORT=$((18080 + ${BENCH_PORT_OFFSET:-0}))
DEMO_PORT=$((18000 + ${BENCH_PORT_OFFSET:-0}))
DELAY_PORT=$((18090 + ${BENCH_PORT_OFFSET:-0}))
# Workload (i)'s Prometheus endpoint.
METRICS_PORT=$((18095 + ${BENCH_PORT_OFFSET:-0}))
# nginx's HTTPS/1.1 server; h2c on the next port, HTTP/2 over TLS on the one
# after (bench/lib.sh).
TLS_PORT=$((18081 + ${BENCH_PORT_OFFSET:-0}))
H2C_PORT=$((TLS_PORT + 1))
H2TLS_PORT=$((TLS_PORT + 2))
VENV=${BENCH_VENV:-$BENCH/out/venv}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
STARLING=$CARGO_TARGET_DIR/release/starling
# Workload (e)'s target: crates/demo/examples/delay_server.rs.
DELAY_SERVER=$CARGO_TARGET_DIR/release/examples/delay_server
OHA=$(command -v oha || echo "$HOME/.cargo/bin/oha")
# The peers of issue 19, each installed under $OUT when missing.
ARTILLERY=$OUT/artillery/node_modules/.bin/artillery
JMETER=$(command -v jmeter || echo /usr/bin/jmeter)
JMETER_AUX=$OUT/jmeter
GOOSE=$OUT/goose-target/release/starling-bench-goose
RUNS=$OUT/runs.jsonl
mkdir -p "$OUT/runs"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
has() { [[ -x $1 ]] || command -v "$1" >/dev/null 2>&1; }

# --- every process we start is stopped on exit -----------------------------
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {
  local pid=$1 sig=${2:-INT} i
  kill "-$sig" "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  PIDS=("${kept[@]}")
}

# A server of an earlier run, or of someone else, on our port would be
# measured instead of ours: refuse to start.
port_free() {
  if curl -sk -o /dev/null --max-time 1 "$1"; then
    echo "something already answers on $1: stop it, or move every port with BENCH_PORT_OFFSET" >&2
    exit 1
  fi
}

wait_http() {
  local url=$1 i
  for i in $(seq 100); do
    curl -s -o /dev/null "$url" && return 0
    sleep 0.1
  done
  echo "no answer from $url" >&2
  return 1
}

# --- peers ------------------------------------------------------------------
install_peers() {
  if ((INSTALL)); then
    # oha is built against the system's OpenSSL (below), which needs its
    # headers and pkg-config.
    local packages=(wrk nginx-light curl openssl) build_oha=0 missing=0
    if ! has "$OHA" && ((WANT_OHA)) && wants a d e; then
      build_oha=1
      packages+=(libssl-dev pkg-config)
    fi
    if wants g; then
      packages+=(nghttp2-client)
      has h2load || missing=1
    fi
    if ! has wrk || ! has nginx || ! has curl || ! has openssl || ((build_oha || missing)); then
      log "apt-get install ${packages[*]}"
      apt-get install -y "${packages[@]}" >"$OUT/apt.log" 2>&1 \
        || { apt-get update >>"$OUT/apt.log" 2>&1 && apt-get install -y "${packages[@]}" >>"$OUT/apt.log" 2>&1; } \
        || log "apt-get failed (see $OUT/apt.log)"
    fi
    if [[ ! -x $VENV/bin/locust ]] && wants a b c d e; then
      log "Locust into $VENV"
      { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q locust; } >"$OUT/pip.log" 2>&1 \
        || log "Locust install failed (see $OUT/pip.log)"
    fi
    if { ! has "$JMETER" || ! has javac; } && wants a b; then
      # Apart from the others: its ~80 Java packages may fail alone. javac
      # compiles the class that lets Debian's JMeter read its plans
      # (bench/jmeter/starling/bench/AllowJMeterTypes.java).
      log "apt-get install jmeter default-jdk-headless"
      apt-get install -y jmeter default-jdk-headless >"$OUT/apt-jmeter.log" 2>&1 \
        || { apt-get update >>"$OUT/apt-jmeter.log" 2>&1 \
          && apt-get install -y jmeter default-jdk-headless >>"$OUT/apt-jmeter.log" 2>&1; } \
        || log "JMeter install failed (see $OUT/apt-jmeter.log)"
    fi
    if [[ ! -x $ARTILLERY ]] && wants a b; then
      if has npm; then
        # Its Playwright engine would download a browser, which is neither
        # needed here nor reachable.
        log "Artillery into $OUT/artillery (npm, about a minute)"
        mkdir -p "$OUT/artillery"
        (cd "$OUT/artillery" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund \
          --loglevel=error artillery@2) >"$OUT/artillery-install.log" 2>&1 \
          || log "Artillery install failed (see $OUT/artillery-install.log)"
      else
        log "npm missing: Artillery cannot be installed"
      fi
    fi
    if ((WANT_GOOSE)) && [[ ! -x $GOOSE ]] && wants a b; then
      # Its own workspace and target dir: never part of starling's build.
      log "Goose driver: cargo build --release (bench/goose, a few minutes; --no-goose skips it)"
      cargo build --release --locked --manifest-path "$BENCH/goose/Cargo.toml" \
        --target-dir "$OUT/goose-target" >"$OUT/goose-build.log" 2>&1 \
        || log "Goose build failed (see $OUT/goose-build.log); Goose is skipped"
    fi
    if ((build_oha)); then
      # Its default TLS backend builds aws-lc from C (about 8 minutes
      # here); the system's OpenSSL halves that, and every run here is
      # plain HTTP anyway.
      log "cargo install oha --locked, with native-tls (about 4 minutes; --no-oha skips it)"
      cargo install oha --locked --no-default-features --features native-tls \
        >"$OUT/oha-install.log" 2>&1 \
        || cargo install oha --locked >>"$OUT/oha-install.log" 2>&1 \
        || log "oha install failed (see $OUT/oha-install.log); oha is skipped"
      OHA=$(command -v oha || echo "$HOME/.cargo/bin/oha")
    fi
  fi
  has wrk || log "wrk missing: skipped"
  has "$OHA" || log "oha missing: skipped"
  [[ -x $VENV/bin/locust ]] || log "Locust missing: skipped"
  has "$ARTILLERY" || log "Artillery missing: skipped"
  has "$GOOSE" || log "Goose driver missing: skipped"
  has h2load || log "h2load missing (nghttp2-client): skipped"
  prepare_jmeter || { log "JMeter missing or unusable: skipped"; JMETER=; }
  OHA_JSON=(--output-format json)
  if has "$OHA" && ! "$OHA" --help 2>/dev/null | grep -q -- '--output-format'; then
    OHA_JSON=(-j)
  fi
}

# Debian's JMeter 2.13 cannot read a plan on Debian's XStream until it is
# allowed to (bench/jmeter/starling/bench/AllowJMeterTypes.java says why and
# how): compile that class and write the saveservice.properties that names
# it. JMETER_ARGS then holds what every JMeter run needs.
prepare_jmeter() {
  has "$JMETER" || return 1
  has javac || return 1
  local home=/usr/share/jmeter src=$BENCH/jmeter/starling/bench/AllowJMeterTypes.java
  [[ -f $home/bin/saveservice.properties ]] || return 1
  mkdir -p "$JMETER_AUX/classes"
  if [[ ! -f $JMETER_AUX/classes/starling/bench/AllowJMeterTypes.class || $src -nt $JMETER_AUX/classes/starling/bench/AllowJMeterTypes.class ]]; then
    javac -nowarn -d "$JMETER_AUX/classes" -cp /usr/share/java/xstream.jar "$src" \
      >"$JMETER_AUX/javac.log" 2>&1 || { log "javac failed (see $JMETER_AUX/javac.log)"; return 1; }
  fi
  { cat "$home/bin/saveservice.properties"; printf '\n_starling.bench.AllowJMeterTypes=collection\n'; } \
    >"$JMETER_AUX/saveservice.properties"
  # JMeter reads this property as a path below its home directory.
  JMETER_ARGS=(-Jsaveservice_properties="/$(realpath --relative-to="$home" "$JMETER_AUX/saveservice.properties")"
    -Juser.classpath="$JMETER_AUX/classes" -Jjmeter.save.saveservice.output_format=csv
    -Jjmeter.save.saveservice.print_field_names=true)
}

build_starling() {
  if ((BUILD)) || [[ ! -x $STARLING ]] || [[ ! -x $DELAY_SERVER ]]; then
    log "cargo build --release -p starling, and the delay server (target dir $CARGO_TARGET_DIR)"
    (cd "$ROOT" && cargo build --release -p starling \
      && cargo build --release -p starling-demo --example delay_server) >"$OUT/build.log" 2>&1 \
      || { tail -n 30 "$OUT/build.log" >&2; exit 1; }
  fi
}

# --- targets (CPU 1) ---------------------------------------------------------
# The bench nginx: plain HTTP on NGINX_PORT, and HTTPS/1.1, h2c and HTTP/2
# over TLS on TLS_PORT and the two after it. Its P-256 certificate for
# 127.0.0.1 is signed by a CA made here, CA (rustls, like a browser, refuses
# a CA certificate as the server's own): starling is given the CA with
# --ca-file; wrk and h2load do not verify. And the bodies of workload h.
CA=$OUT/nginx/tls/ca.pem
start_nginx() {
  local dir=$OUT/nginx
  mkdir -p "$dir/logs" "$dir/tls" "$dir/bodies"
  if [[ ! -s $dir/tls/cert.pem ]]; then
    local t=$dir/tls
    {
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
        -subj "/CN=starling bench CA" -keyout "$t/ca.key" -out "$CA" \
        && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
          -keyout "$t/key.pem" -out "$t/cert.csr" \
        && printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n' >"$t/leaf.ext" \
        && openssl x509 -req -in "$t/cert.csr" -CA "$CA" -CAkey "$t/ca.key" -CAcreateserial \
          -days 3650 -extfile "$t/leaf.ext" -out "$t/cert.pem"
    } >"$t/openssl.log" 2>&1 || { cat "$t/openssl.log" >&2; rm -f "$t/cert.pem"; exit 1; }
  fi
  [[ -s $dir/bodies/10k ]] || head -c 10240 /dev/urandom >"$dir/bodies/10k"
  [[ -s $dir/bodies/1m ]] || head -c 1048576 /dev/urandom >"$dir/bodies/1m"
  nginx_conf "$dir" "$NGINX_PORT" "$TLS_PORT" >"$dir/nginx.conf"
  port_free "http://127.0.0.1:$NGINX_PORT/"
  port_free "https://127.0.0.1:$TLS_PORT/"
  taskset -c "$TGT_CPU" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$NGINX_PORT/"
  SERVER_STATUS=http://127.0.0.1:$NGINX_PORT/__bench_status
}
stop_nginx() { stop_pid "$NGINX_PID" QUIT; SERVER_STATUS=; }
SERVER_STATUS=

# Requests nginx has answered so far (its stub_status, bench/lib.sh), less
# this read itself; empty when the target is not nginx.
server_count() {
  [[ -n $SERVER_STATUS ]] || return 0
  curl -s "$SERVER_STATUS" | awk 'NR == 3 { print $3 - 1 }'
}

knobs() { # knobs JSON: the same knobs on the five demo services
  local port
  for port in $(seq "$DEMO_PORT" $((DEMO_PORT + 4))); do
    curl -s -o /dev/null -X PUT -H 'content-type: application/json' \
      -d "$1" "http://127.0.0.1:$port/admin/knobs"
  done
}
start_demo() {
  port_free "http://127.0.0.1:$DEMO_PORT/"
  taskset -c "$TGT_CPU" "$STARLING" demo serve --port "$DEMO_PORT" >"$OUT/demo.log" 2>&1 &
  DEMO_PID=$!
  PIDS+=("$DEMO_PID")
  local port
  for port in $(seq "$DEMO_PORT" $((DEMO_PORT + 4))); do
    wait_http "http://127.0.0.1:$port/admin/knobs"
  done
  # Throughput: no added latency, no concurrency limit, no errors.
  knobs '{"latency": 0, "concurrency_limit": 0, "error_rate": 0}'
}
stop_demo() { stop_pid "$DEMO_PID" INT; }

start_delay() {
  port_free "http://127.0.0.1:$DELAY_PORT/"
  taskset -c "$TGT_CPU" "$DELAY_SERVER" "$DELAY_PORT" 10 >"$OUT/delay.log" 2>&1 &
  DELAY_PID=$!
  PIDS+=("$DELAY_PID")
  wait_http "http://127.0.0.1:$DELAY_PORT/"
}
stop_delay() { stop_pid "$DELAY_PID" TERM; }

# --- one generator run (CPU 0) ----------------------------------------------
# gen WORKLOAD TOOL REP KIND -- command...
# KIND: wrk|oha|h2load|locust|starling|artillery|jmeter|goose. The command
# must write its figures where parse.py looks: the log for wrk, oha and h2load, $BASE
# (csv prefix) for Locust, $BASE.json for starling, Artillery and Goose,
# $BASE.jtl for JMeter. Against nginx, the requests nginx answered during
# the run are kept beside the tool's own count: a tool must not count a
# request nginx never saw (see report.py).
gen() {
  local wl=$1 tool=$2 rep=$3 kind=$4
  shift 5
  local base=$OUT/runs/$wl-$tool-$rep file status=0 before after
  rm -f "$base".* "${base}"_*.csv
  {
    local var
    for var in BENCH_WAIT BENCH_RATE BENCH_DURATION WORKERS ARTILLERY_DISABLE_TELEMETRY; do
      [[ -n ${!var:-} ]] && printf '%s=%s ' "$var" "${!var}"
    done
    printf '%q ' "$@"
  } >"$base.cmd"
  before=$(server_count)
  taskset -c "$GEN_CPU" /usr/bin/time -f '%e %U %S %M' -o "$base.time" "$@" \
    >"$base.log" 2>"$base.err" || status=$?
  after=$(server_count)
  case $kind in
    wrk|oha|h2load) file=$base.log ;;
    locust) file=$base ;;
    starling|artillery|goose) file=$base.json ;;
    jmeter) file=$base.jtl ;;
  esac
  python3 - "$RUNS" "$wl" "$tool" "$rep" "$status" "$base" \
    "$(python3 "$BENCH/parse.py" "$kind" "$file")" "${before:-}" "${after:-}" <<'PY'
import json, sys
runs, wl, tool, rep, status, base, parsed, before, after = sys.argv[1:]
line = open(base + ".time").read().strip().splitlines()[-1].split()
rec = {"workload": wl, "tool": tool, "rep": int(rep), "exit": int(status),
       "wall": float(line[0]), "user": float(line[1]), "sys": float(line[2]),
       "maxrss_kb": int(line[3]), "cmd": open(base + ".cmd").read().strip()}
rec.update(json.loads(parsed))
if before and after:
    rec["server_requests"] = int(after) - int(before)
with open(runs, "a") as f:
    f.write(json.dumps(rec) + "\n")
cpu = rec["user"] + rec["sys"]
seen = f"  nginx {rec['server_requests']}" if "server_requests" in rec else ""
print(f"  {wl} {tool:<22} rep {rep}: {rec['requests']:>9} req  {rec['rps']:>10.0f} req/s  "
      f"cpu {cpu:6.2f} s  {rec['requests'] / cpu if cpu else 0:>9.0f} req/cpu-s  "
      f"rss {rec['maxrss_kb'] / 1024:6.1f} MiB  fail {rec.get('failures', 0)}{seen}", file=sys.stderr)
# Say loudly what would make the figure meaningless.
problems = []
if rec["exit"] != 0:
    problems.append(f"exit status {rec['exit']}")
if "error" in rec:
    problems.append(f"its results were not read: {rec['error']}")
elif rec["requests"] == 0:
    problems.append("no request counted")
if rec.get("failures"):
    problems.append(f"{rec['failures']} failed requests")
if "server_requests" in rec and rec["server_requests"] < rec["requests"]:
    problems.append(f"counted {rec['requests']} requests, nginx answered {rec['server_requests']}")
for p in problems:
    print(f"  !! {wl} {tool} rep {rep}: {p} (see {base}.log, {base}.err)", file=sys.stderr)
PY
}

# The generator commands, as arrays so RESULTS.md shows them exactly.
run_starling() { # run_starling WL REP SCENARIO ARGS...
  run_starling_as "$1" starling "${@:2}"
}
# run_starling_as WL TOOL REP SCENARIO ARGS...: under another name, for
# starling's own variants (workload i).
run_starling_as() {
  local wl=$1 tool=$2 rep=$3 scenario=$4
  shift 4
  gen "$wl" "$tool" "$rep" starling -- "$STARLING" run "$scenario" --workers 1 \
    --quiet --out "$OUT/runs/$wl-$tool-$rep.json" "$@"
}
run_locust() { # run_locust WL TOOLNAME REP FILE CLASS HOST USERS [extra...]
  local wl=$1 tool=$2 rep=$3 file=$4 class=$5 host=$6 users=$7
  shift 7
  [[ -x $VENV/bin/locust ]] || return 0
  gen "$wl" "$tool" "$rep" locust -- "$VENV/bin/locust" -f "$file" --headless \
    -H "$host" -u "$users" -r "$users" -t "${DUR}s" --only-summary --loglevel WARNING \
    --csv "$OUT/runs/$wl-$tool-$rep" "$@" "$class"
}

# The peers of issue 19. JOURNEY: get (a) or checkout (b2); 50 users that
# run their journey flat out for $DUR seconds.
run_artillery() { # run_artillery WL REP JOURNEY HOST
  local wl=$1 rep=$2 journey=$3 host=$4
  has "$ARTILLERY" || return 0
  # All users arrive in the first second and loop until BENCH_DURATION
  # seconds after start (bench/artillery/deadline.js); WORKERS=1: one
  # worker thread, as the generator has one core. Artillery then waits for
  # its last 10 s reporting period before it exits (idle, no CPU).
  ARTILLERY_DISABLE_TELEMETRY=1 WORKERS=1 BENCH_DURATION=$DUR gen "$wl" artillery "$rep" artillery -- \
    "$ARTILLERY" run --quiet --target "$host" --output "$OUT/runs/$wl-artillery-$rep.json" \
    "$BENCH/artillery/$journey.yml"
}
run_jmeter() { # run_jmeter WL REP JOURNEY PORT
  local wl=$1 rep=$2 journey=$3 port=$4
  [[ -n $JMETER ]] || return 0
  gen "$wl" jmeter "$rep" jmeter -- "$JMETER" -n -t "$BENCH/jmeter/$journey.jmx" \
    -l "$OUT/runs/$wl-jmeter-$rep.jtl" -j "$OUT/runs/$wl-jmeter-$rep.jmeter.log" "${JMETER_ARGS[@]}" \
    -Jhost=127.0.0.1 -Jport="$port" -Jthreads=50 -Jduration="$DUR"
}
run_goose() { # run_goose WL REP JOURNEY HOST
  local wl=$1 rep=$2 journey=$3 host=$4
  has "$GOOSE" || return 0
  # --no-reset-metrics: count the requests of the ramp too, as CPU is
  # counted from the start; 50 users start in 0.05 s.
  gen "$wl" goose "$rep" goose -- "$GOOSE" --scenarios "$journey" -H "$host" -u 50 -r 1000 \
    -t "${DUR}s" --no-reset-metrics --quiet --no-print-metrics \
    --report-file "$OUT/runs/$wl-goose-$rep.json"
}

# --- workloads ---------------------------------------------------------------
workload_a() {
  log "(a) one GET per journey against nginx, 50 connections, ${DUR}s x $REPS"
  start_nginx
  local url=http://127.0.0.1:$NGINX_PORT/ rep
  for rep in $(seq "$REPS"); do
    run_starling a "$rep" "$BENCH/scenarios/get.yaml" --host "http://127.0.0.1:$NGINX_PORT" \
      --users 50 --duration "${DUR}s"
    has wrk && gen a wrk "$rep" wrk -- wrk -t1 -c50 -d"${DUR}s" --latency "$url"
    has "$OHA" && gen a oha "$rep" oha -- "$OHA" --no-tui "${OHA_JSON[@]}" -c 50 -z "${DUR}s" "$url"
    run_locust a locust-fast "$rep" "$BENCH/locust_get.py" GetUser "http://127.0.0.1:$NGINX_PORT" 50
    run_artillery a "$rep" get "http://127.0.0.1:$NGINX_PORT"
    run_jmeter a "$rep" get "$NGINX_PORT"
    run_goose a "$rep" get "http://127.0.0.1:$NGINX_PORT"
  done
  stop_nginx
}

# checkout_runs WL HOST [PORT]: starling and both Locust flavours on the
# checkout journey, 50 users, no think time, $REPS times; with PORT (the
# nginx stub, b2) Artillery, JMeter and Goose too.
checkout_runs() {
  local wl=$1 host=$2 port=${3:-} rep
  for rep in $(seq "$REPS"); do
    run_starling "$wl" "$rep" "$BENCH/scenarios/checkout_nowait.yaml" --host "$host" \
      --users 50 --spawn-rate 1000 --duration "${DUR}s"
    BENCH_WAIT=none run_locust "$wl" locust-fast "$rep" "$BENCH/locustfile.py" FastCheckoutUser "$host" 50
    BENCH_WAIT=none run_locust "$wl" locust-http "$rep" "$BENCH/locustfile.py" CheckoutUser "$host" 50
    if [[ -n $port ]]; then
      run_artillery "$wl" "$rep" checkout "$host"
      run_jmeter "$wl" "$rep" checkout "$port"
      run_goose "$wl" "$rep" checkout "$host"
    fi
  done
}

# --- HTTPS, HTTP/2 and large bodies (issue 19 targets 3 and 4) -------------
# against WL REP SCENARIO HOST PATH PEER [starling args...]: starling and
# PEER (wrk or h2load) on HOST+PATH with the same 50 connections, each with
# one request at a time, as (a): wrk -c50, h2load -c50 -m1 (one stream per
# connection, as a virtual user has one request in flight).
against() {
  local wl=$1 rep=$2 scenario=$3 host=$4 path=$5 peer=$6
  shift 6
  run_starling "$wl" "$rep" "$BENCH/scenarios/$scenario" --host "$host" "$@" \
    --users 50 --duration "${DUR}s"
  has "$peer" || return 0
  case $peer in
    wrk) gen "$wl" wrk "$rep" wrk -- wrk -t1 -c50 -d"${DUR}s" --latency "$host$path" ;;
    h2load) gen "$wl" h2load "$rep" h2load -- h2load -t1 -c50 -m1 -D "$DUR" "$host$path" ;;
  esac
}

workload_f() {
  log "(f) one GET over HTTPS/1.1 against nginx, 50 connections, ${DUR}s x $REPS"
  start_nginx
  local rep
  for rep in $(seq "$REPS"); do
    against f "$rep" get.yaml "https://127.0.0.1:$TLS_PORT" / wrk --ca-file "$CA" --http 1.1
  done
  stop_nginx
}

# gc: h2c (prior knowledge); gt: HTTP/2 over TLS, chosen by ALPN.
workload_g() {
  log "(g) one GET over HTTP/2 against nginx, h2c and TLS, 50 connections, ${DUR}s x $REPS"
  start_nginx
  local rep
  for rep in $(seq "$REPS"); do
    against gc "$rep" get.yaml "http://127.0.0.1:$H2C_PORT" / h2load --http 2
    against gt "$rep" get.yaml "https://127.0.0.1:$H2TLS_PORT" / h2load --ca-file "$CA" --http 2
  done
  stop_nginx
}

# h10k, h1m: a static file of 10 KiB and of 1 MiB, read whole and kept by
# no step.
workload_h() {
  log "(h) one GET of a 10 KiB and of a 1 MiB body against nginx, 50 connections, ${DUR}s x $REPS"
  start_nginx
  local rep size
  for rep in $(seq "$REPS"); do
    for size in 10k 1m; do
      against "h$size" "$rep" "get_$size.yaml" "http://127.0.0.1:$NGINX_PORT" "/body/$size" wrk
    done
  done
  stop_nginx
}

# --- how cost grows (issue 19 target 6) ---------------------------------------
# i: starling against itself on (a)'s GET, alternating within each
# repetition: one step per journey with tracing on (the default), ten steps
# per journey, tracing off, and thresholds judged live with a checkpoint
# every second and the Prometheus endpoint scraped every second.
workload_i() {
  log "(i) how cost grows: 10 steps, no trace, gates + checkpoints + metrics, ${DUR}s x $REPS"
  start_nginx
  local host=http://127.0.0.1:$NGINX_PORT rep scraper
  local common=(--host "$host" --users 50 --duration "${DUR}s")
  for rep in $(seq "$REPS"); do
    run_starling_as i starling "$rep" "$BENCH/scenarios/get.yaml" "${common[@]}"
    run_starling_as i starling-10-steps "$rep" "$BENCH/scenarios/get_10steps.yaml" "${common[@]}"
    run_starling_as i starling-no-trace "$rep" "$BENCH/scenarios/get.yaml" "${common[@]}" --no-trace
    # The scraper runs on the target's core: only starling's CPU is counted.
    port_free "http://127.0.0.1:$METRICS_PORT/metrics"
    taskset -c "$TGT_CPU" bash -c "while sleep 1; do curl -s -o /dev/null http://127.0.0.1:$METRICS_PORT/metrics; done" &
    scraper=$!
    PIDS+=("$scraper")
    run_starling_as i starling-gates "$rep" "$BENCH/scenarios/get.yaml" "${common[@]}" \
      --threshold "all: p99 < 10s" --threshold "journey get: p95 < 10s" \
      --checkpoint-every 1s --metrics-addr "127.0.0.1:$METRICS_PORT"
    stop_pid "$scraper" TERM
  done
  stop_nginx
}

workload_b() {
  log "(b) checkout journey against the demo system, 50 users, no think time, ${DUR}s x $REPS"
  start_demo
  checkout_runs b "http://127.0.0.1:$DEMO_PORT"
  stop_demo
  workload_b2
}

# b2: the demo on one core answers far fewer requests than a generator can
# send, so (b) measures an idle generator's wake-ups as much as its work.
# The same journey against nginx's stub of the same API (bench/lib.sh) lets
# the generator, not the target, be the limit.
workload_b2() {
  log "(b2) the same checkout journey against a stub of its API on nginx, 50 users, no think time, ${DUR}s x $REPS"
  start_nginx
  checkout_runs b2 "http://127.0.0.1:$NGINX_PORT" "$NGINX_PORT"
  stop_nginx
}

# mem TOOL USERS: RSS once every user is spawned and has sent its first
# request, read from /proc; the generator is then stopped with Ctrl-C.
# `starling-at-once` starts every user in the first instant (a spawn rate
# of a million per second): its memory must not depend on the ramp.
mem() {
  local tool=$1 users=$2 pid log=$OUT/runs/c-$1-$2 settle=6 i rate=3000 running_ms=
  local started
  started=$(date +%s%N)
  local target=(--host "http://127.0.0.1:$NGINX_PORT")
  case $tool in
    starling*)
      case $tool in
        starling-at-once) rate=1000000 ;;
        starling-https) target=(--host "https://127.0.0.1:$TLS_PORT" --ca-file "$CA" --http 1.1) ;;
        starling-h2c) target=(--host "http://127.0.0.1:$H2C_PORT" --http 2) ;;
        starling-h2-tls) target=(--host "https://127.0.0.1:$H2TLS_PORT" --ca-file "$CA" --http 2) ;;
      esac
      taskset -c "$GEN_CPU" "$STARLING" run "$BENCH/scenarios/get_think.yaml" --workers 1 --quiet \
        "${target[@]}" --users "$users" --spawn-rate "$rate" \
        --duration 120s --stop-timeout 2s --out "$log.json" >"$log.log" 2>&1 &
      pid=$!
      PIDS+=("$pid")
      if [[ $tool == starling-at-once ]]; then
        # How long until every user runs: nginx holds one connection per
        # user once its first request is out (stub_status counts its own).
        local open=0
        for i in $(seq 600); do
          open=$(curl -s "$SERVER_STATUS" | awk 'NR == 1 { print $3 - 1 }')
          ((open >= users)) && break
          sleep 0.02
        done
        running_ms=$((($(date +%s%N) - started) / 1000000))
        ((open >= users)) || running_ms=-1
      fi
      sleep $((users / 3000 + settle))
      ;;
    locust-fast|locust-http)
      [[ -x $VENV/bin/locust ]] || return 0
      local class=GetUser
      [[ $tool == locust-http ]] && class=HttpGetUser
      BENCH_WAIT=think taskset -c "$GEN_CPU" "$VENV/bin/locust" -f "$BENCH/locust_get.py" --headless \
        -H "http://127.0.0.1:$NGINX_PORT" -u "$users" -r 1000 -t 300s --only-summary \
        --loglevel INFO "$class" >"$log.log" 2>&1 &
      pid=$!
      PIDS+=("$pid")
      for i in $(seq 1200); do
        grep -q "All users spawned" "$log.log" 2>/dev/null && break
        sleep 0.1
      done
      sleep "$settle"
      ;;
  esac
  local rss hwm cpu
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat")
  stop_pid "$pid" INT
  python3 -c 'import json,sys; m = {"workload": "c", "tool": sys.argv[1], "users": int(sys.argv[2]), "rss_kb": int(sys.argv[3]), "hwm_kb": int(sys.argv[4]), "cpu_s": float(sys.argv[5])}; sys.argv[6] and m.update(running_ms=int(sys.argv[6])); print(json.dumps(m))' \
    "$tool" "$users" "$rss" "$hwm" "$cpu" "$running_ms" >>"$OUT/mem.jsonl"
  log "  c $tool $users users: RSS $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB)${running_ms:+, all running after $running_ms ms}"
}

workload_c() {
  log "(c) memory per user: 10, 1000, 9000 users with between(1s, 5s) think time"
  ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  start_nginx
  local tool users
  for tool in starling starling-at-once starling-https starling-h2c starling-h2-tls locust-fast locust-http; do
    for users in 10 1000 9000; do
      mem "$tool" "$users"
    done
  done
  stop_nginx
}

workload_d() {
  log "(d) fixed rate of 4000 req/s against nginx, ${DUR}s x $REPS"
  start_nginx
  local url=http://127.0.0.1:$NGINX_PORT/ rep
  for rep in $(seq "$REPS"); do
    run_starling d "$rep" "$BENCH/scenarios/get_rate.yaml" --host "http://127.0.0.1:$NGINX_PORT" \
      --arrival-rate 4000 --duration "${DUR}s"
    has "$OHA" && gen d oha "$rep" oha -- "$OHA" --no-tui "${OHA_JSON[@]}" -c 50 -q 4000 -z "${DUR}s" "$url"
    BENCH_WAIT=rate BENCH_RATE=20 run_locust d locust-fast "$rep" "$BENCH/locust_get.py" GetUser \
      "http://127.0.0.1:$NGINX_PORT" 200
  done
  stop_nginx
}

workload_e() {
  log "(e) latency honesty: a server that answers after 10 ms"
  start_delay
  local host=http://127.0.0.1:$DELAY_PORT url=http://127.0.0.1:$DELAY_PORT/ stall_at
  # e1: the median each tool reports, 5 connections, closed loop.
  run_starling e1 1 "$BENCH/scenarios/get.yaml" --host "$host" --users 5 --duration "${DUR}s"
  has wrk && gen e1 wrk 1 wrk -- wrk -t1 -c5 -d"${DUR}s" --latency "$url"
  has "$OHA" && gen e1 oha 1 oha -- "$OHA" --no-tui "${OHA_JSON[@]}" -c 5 -z "${DUR}s" "$url"
  run_locust e1 locust-fast 1 "$BENCH/locust_get.py" GetUser "$host" 5
  # e2: 200 req/s with a 1 s stall of the server at 40% of the run.
  stall_at=$(python3 -c "print($DUR * 0.4)")
  stall() {
    (sleep "$stall_at"; curl -s -o /dev/null "http://127.0.0.1:$DELAY_PORT/__stall?ms=1000") &
    PIDS+=("$!")
  }
  stall
  run_starling e2 1 "$BENCH/scenarios/get_rate.yaml" --host "$host" --arrival-rate 200 --duration "${DUR}s"
  if has "$OHA"; then
    stall
    gen e2 oha 1 oha -- "$OHA" --no-tui "${OHA_JSON[@]}" -c 20 -q 200 -z "${DUR}s" "$url"
    if "$OHA" --help 2>/dev/null | grep -q -- '--latency-correction'; then
      stall
      gen e2 oha-corrected 1 oha -- "$OHA" --no-tui "${OHA_JSON[@]}" -c 20 -q 200 \
        --latency-correction -z "${DUR}s" "$url"
    fi
  fi
  stall
  BENCH_WAIT=rate BENCH_RATE=10 run_locust e2 locust-fast 1 "$BENCH/locust_get.py" GetUser "$host" 20
  stop_delay
}

# --- main --------------------------------------------------------------------
install_peers
build_starling
# Figures of the workloads not rerun now are kept, so `run.sh e` only
# replaces (e) in RESULTS.md (e1 and e2), `run.sh b` both b and b2, and
# `run.sh b2` only b2.
python3 - "$RUNS" "$OUT/mem.jsonl" "${WORKLOADS[@]}" <<'PY'
import json, os, sys
files, rerun = sys.argv[1:3], set(sys.argv[3:])
for path in files:
    kept = []
    if os.path.exists(path):
        kept = [l for l in open(path) if l.strip()
                and json.loads(l)["workload"] not in rerun and json.loads(l)["workload"][0] not in rerun]
    with open(path, "w") as f:
        f.writelines(kept)
PY
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cores=$(nproc)"
  echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)"
  echo "kernel=$(uname -r)"
  echo "starling=$("$STARLING" --version 2>&1 | head -n1) ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo "wrk=$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
  echo "oha=$("$OHA" --version 2>/dev/null | head -n1 || echo missing)"
  echo "locust=$("$VENV/bin/locust" --version 2>/dev/null | head -n1 | cut -d" " -f1-2 || echo missing)"
  echo "artillery=$("$ARTILLERY" version 2>/dev/null | sed -n 's/^Artillery: *//p' | head -n1 || echo missing)"
  echo "jmeter=$( [[ -n $JMETER ]] && "$JMETER" -j /dev/null --version 2>/dev/null | sed -n 's/^Version //p' | head -n1 || echo missing)"
  echo "goose=$( [[ -x $GOOSE ]] && sed -n '/^name = "goose"$/{n;s/^version = "\(.*\)"/\1/p}' "$BENCH/goose/Cargo.lock" || echo missing)"
  echo "h2load=$(h2load --version 2>/dev/null | head -n1 || echo missing)"
  echo "nginx=$(nginx -v 2>&1 | head -n1)"
  echo "python=$(python3 --version 2>&1)"
  echo "duration=$DUR"
  echo "reps=$REPS"
  echo "workloads=${WORKLOADS[*]}"
} >"$OUT/meta.env"
for w in "${WORKLOADS[@]}"; do
  # When and at which commit each workload was last measured: a rerun of
  # one workload keeps the others' figures, and their provenance.
  {
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    grep '^starling=' "$OUT/meta.env"
  } >"$OUT/meta-$w.env"
  [[ $w == b ]] && cp "$OUT/meta-b.env" "$OUT/meta-b2.env"
  "workload_$w"
done
python3 "$BENCH/report.py" "$OUT" "$RESULTS"
log "wrote $RESULTS"

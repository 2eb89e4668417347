# What run.sh and soak.sh share (sourced): stopping every process they
# started, and the bench nginx's configuration.

# Every process a script starts goes into PIDS; `trap cleanup EXIT` stops
# them all, newest first (a generator before the target it loads): SIGINT,
# then SIGTERM and SIGKILL for whatever is still alive.
PIDS=()
cleanup() {
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -INT "${PIDS[i]}" 2>/dev/null || true
    sleep 0.2
  done
  sleep 0.5
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      sleep 0.3
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

# One worker, keep-alive without limits, a small static answer (and a
# stub of the checkout API), loopback only:  nginx_conf DIR PORT > DIR/nginx.conf
# With a third argument TLS_PORT (run.sh's workloads f, g and c), three more
# servers with the same answers: TLS_PORT speaks HTTPS/1.1 only, TLS_PORT+1
# h2c (HTTP/2 with prior knowledge), TLS_PORT+2 HTTP/2 over TLS; their
# certificate is DIR/tls/cert.pem (key.pem beside it). Every server also
# answers /body/10k and /body/1m from DIR/bodies (workload h).
nginx_conf() {
  local dir=$1 port=$2 tls_port=${3:-}
  # The answers of every server. /users, /orders, /payments and /products
  # stub the demo's checkout API (workload b2): the same statuses and the
  # ids the journey captures, answered at nginx's speed.
  local answers
  answers=$(cat <<ANSWERS
    location / { default_type text/plain; return 200 "hello from the starling bench\n"; }
    location = /users { default_type application/json; return 201 '{"id": 1, "username": "bench"}'; }
    location = /orders { default_type application/json; return 201 '{"id": 1, "status": "created", "user_id": 1, "item": "widget", "product_id": 1}'; }
    location = /payments { default_type application/json; return 200 '{"id": 1, "order_id": 1, "amount": 10.0, "status": "paid"}'; }
    location = /products { default_type application/json; return 200 '[{"id": 1, "name": "widget", "category": "electronics", "price": 10.0}]'; }
    location /body/ { default_type application/octet-stream; alias $dir/bodies/; }
ANSWERS
)
  local tls=
  if [[ -n $tls_port ]]; then
    tls=$(cat <<TLS
  ssl_certificate $dir/tls/cert.pem;
  ssl_certificate_key $dir/tls/key.pem;
  # TLS 1.3 as real systems negotiate it (nginx 1.22 offers only up to
  # TLS 1.2 unless told); 1.2 stays for a peer without 1.3.
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache shared:bench:10m;
  server {
    listen 127.0.0.1:$tls_port ssl backlog=4096;
$answers
  }
  server {
    listen 127.0.0.1:$((tls_port + 1)) http2 backlog=4096;
$answers
  }
  server {
    listen 127.0.0.1:$((tls_port + 2)) ssl http2 backlog=4096;
$answers
  }
TLS
)
  fi
  cat <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
worker_rlimit_nofile 20000;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  sendfile on;
  client_body_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$port backlog=4096;
$answers
    # Requests nginx has answered, read by run.sh before and after each
    # generator run: every request a tool counts must have reached nginx.
    location = /__bench_status { stub_status; }
  }
$tls
}
CONF
}

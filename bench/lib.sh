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
nginx_conf() {
  local dir=$1 port=$2
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
  client_body_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$port backlog=4096;
    location / { default_type text/plain; return 200 "hello from the starling bench\n"; }
    # A stub of the demo's checkout API (workload b2): the same statuses and
    # the ids the journey captures, answered at nginx's speed.
    location = /users { default_type application/json; return 201 '{"id": 1, "username": "bench"}'; }
    location = /orders { default_type application/json; return 201 '{"id": 1, "status": "created", "user_id": 1, "item": "widget", "product_id": 1}'; }
    location = /payments { default_type application/json; return 200 '{"id": 1, "order_id": 1, "amount": 10.0, "status": "paid"}'; }
    location = /products { default_type application/json; return 200 '[{"id": 1, "name": "widget", "category": "electronics", "price": 10.0}]'; }
    # Requests nginx has answered, read by run.sh before and after each
    # generator run: every request a tool counts must have reached nginx.
    location = /__bench_status { stub_status; }
  }
}
CONF
}

# The bench nginx's configuration, shared by run.sh and soak.sh (sourced):
# one worker, keep-alive without limits, a small static answer, loopback only.
#
#   nginx_conf DIR PORT > DIR/nginx.conf
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
  }
}
CONF
}

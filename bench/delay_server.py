"""A tiny HTTP/1.1 keep-alive server that answers every request after a
fixed delay (workload e). Threads and time.sleep (clock_nanosleep) keep the
delay exact to tens of microseconds, unlike a timer wheel with 1 ms ticks.

  python3 bench/delay_server.py PORT DELAY_MS

`GET /__stall?ms=N` starts a stall: every request being served, or
arriving, before now+N ms is answered no earlier than that moment. It
answers at once itself.
"""

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DELAY = float(sys.argv[2]) / 1000.0 if len(sys.argv) > 2 else 0.010
BODY = b"ok\n"
stall_until = 0.0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One write per response and no Nagle: otherwise headers and body go
    # out in two segments and delayed ACKs add up to 40 ms.
    disable_nagle_algorithm = True

    def do_GET(self):
        global stall_until
        if self.path.startswith("/__stall"):
            ms = float(self.path.split("ms=", 1)[1]) if "ms=" in self.path else 1000.0
            with lock:
                stall_until = time.monotonic() + ms / 1000.0
            self._answer(b"stalled\n")
            return
        time.sleep(DELAY)
        wait = stall_until - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._answer(BODY)

    def _answer(self, body):
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
            % (len(body), body)
        )

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()

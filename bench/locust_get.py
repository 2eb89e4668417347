"""One GET per task for workloads (a), (c), (d) and (e).

Environment (set by run.sh):
  BENCH_WAIT=none|think|rate   no wait (default), between(1, 5), or
                               constant_throughput(BENCH_RATE) per user
  BENCH_RATE=<float>           requests per second per user for `rate`
Classes: GetUser (FastHttpUser, geventhttpclient) and HttpGetUser
(HttpUser, requests).
"""

import os

from locust import FastHttpUser, HttpUser, between, constant, constant_throughput, task

_MODE = os.environ.get("BENCH_WAIT", "none")
if _MODE == "think":
    WAIT = between(1, 5)
elif _MODE == "rate":
    WAIT = constant_throughput(float(os.environ.get("BENCH_RATE", "1")))
else:
    WAIT = constant(0)


class GetUser(FastHttpUser):
    wait_time = WAIT

    @task
    def get(self):
        self.client.get("/")


class HttpGetUser(HttpUser):
    wait_time = WAIT

    @task
    def get(self):
        self.client.get("/")

"""Workload (b): the article's microservice journey for Locust, the same
requests, statuses and captures as examples/checkout.yaml.

Two user classes, pick one on the command line:
  locust -f bench/locustfile.py --headless -H http://127.0.0.1:8000 CheckoutUser
  locust -f bench/locustfile.py --headless -H http://127.0.0.1:8000 FastCheckoutUser

BENCH_WAIT=none (the default here) runs journeys back to back (the
throughput variant); BENCH_WAIT=think uses the article's between(1, 5).
Failures are reported through Locust's catch_response so they count in its
statistics instead of being printed (printing would cost Locust CPU that
starling does not spend).
"""

import os

from locust import FastHttpUser, HttpUser, between, constant

WAIT = between(1, 5) if os.environ.get("BENCH_WAIT") == "think" else constant(0)


def user_workflow(self):
    # Service 1: users. Expect 201 and capture the id.
    with self.client.post(
        "/users", json={"username": "testuser"}, catch_response=True
    ) as response_user:
        if response_user.status_code != 201:
            response_user.failure(f"status {response_user.status_code}")
            return
        user_id = response_user.json()["id"]
    # Service 2: orders, with the captured user id.
    with self.client.post(
        "/orders", json={"user_id": user_id, "item": "widget"}, catch_response=True
    ) as response_order:
        if response_order.status_code != 201:
            response_order.failure(f"status {response_order.status_code}")
            return
        order_id = response_order.json()["id"]
    # Service 3: payments, dependent on the order.
    with self.client.post(
        "/payments", json={"order_id": order_id, "amount": 10.00}, catch_response=True
    ) as response_payment:
        if response_payment.status_code != 200:
            response_payment.failure(f"status {response_payment.status_code}")


def browse_products(self):
    self.client.get("/products?category=electronics")


# The two tasks of the article with equal weight, shared by both flavours.
TASKS = [user_workflow, browse_products]


class CheckoutUser(HttpUser):
    wait_time = WAIT
    tasks = TASKS


class FastCheckoutUser(FastHttpUser):
    wait_time = WAIT
    tasks = TASKS

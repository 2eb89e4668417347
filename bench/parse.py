"""Reads one generator's output and prints its figures as one JSON line:
requests, failures, rps, p50_us, p99_us, p99c_us (corrected p99, when the
tool reports one). Used by run.sh; no dependencies beyond Python 3.

  python3 bench/parse.py wrk|oha|locust|starling FILE
FILE is the wrk log, the oha JSON, the Locust --csv prefix or the starling
--out JSON.
"""

import csv
import json
import re
import sys


def wrk_time_us(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not m:
        return None
    scale = {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6}[m.group(2)]
    return float(m.group(1)) * scale


def wrk(path):
    text = open(path).read()
    out = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
    out["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    failures = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        failures += sum(int(g) for g in m.groups())
    out["failures"] = failures
    for pct, key in (("50", "p50_us"), ("99", "p99_us")):
        m = re.search(r"^\s+%s%%\s+(\S+)" % pct, text, re.M)
        out[key] = wrk_time_us(m.group(1)) if m else None
    return out


def oha(path):
    data = json.load(open(path))
    summary = data.get("summary", {})
    codes = data.get("statusCodeDistribution", {}) or {}
    errors = data.get("errorDistribution", {}) or {}
    ok = sum(v for k, v in codes.items() if str(k).startswith("2"))
    total = sum(codes.values()) + sum(errors.values())
    pct = data.get("latencyPercentiles", {}) or {}

    def us(v):
        return None if v is None else float(v) * 1e6

    return {
        "requests": sum(codes.values()),
        "failures": total - ok,
        "rps": float(summary.get("requestsPerSec") or 0.0),
        "p50_us": us(pct.get("p50")),
        "p99_us": us(pct.get("p99")),
    }


def locust(prefix):
    with open(prefix + "_stats.csv") as f:
        rows = [r for r in csv.DictReader(f) if r.get("Name") == "Aggregated"]
    if not rows:
        return {"requests": 0, "failures": 0, "rps": 0.0, "p50_us": None, "p99_us": None}
    r = rows[0]

    def ms(key):
        v = r.get(key)
        return None if v in (None, "", "N/A") else float(v) * 1e3

    return {
        "requests": int(r["Request Count"]),
        "failures": int(r["Failure Count"]),
        "rps": float(r["Requests/s"]),
        "p50_us": ms("50%"),
        "p99_us": ms("99%"),
    }


def starling(path):
    data = json.load(open(path))
    t = data["totals"]
    return {
        "requests": t["requests"],
        "failures": t["failures"],
        "rps": t["rps"],
        "p50_us": t["latency"]["p50_us"],
        "p99_us": t["latency"]["p99_us"],
        "p99c_us": t["latency_corrected"]["p99_us"],
        "p50c_us": t["latency_corrected"]["p50_us"],
        "dropped": t.get("dropped_arrivals", 0),
        "journeys": t.get("journeys_started", 0),
    }


if __name__ == "__main__":
    tool, path = sys.argv[1], sys.argv[2]
    try:
        result = {"wrk": wrk, "oha": oha, "locust": locust, "starling": starling}[tool](path)
    except (OSError, ValueError, KeyError) as e:
        result = {"requests": 0, "failures": 0, "rps": 0.0, "error": str(e)}
    print(json.dumps(result))

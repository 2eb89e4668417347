"""Reads one generator's output and prints its figures as one JSON line:
requests, failures, rps, p50_us, p99_us, p99c_us (corrected p99, when the
tool reports one). Used by run.sh; no dependencies beyond Python 3.

  python3 bench/parse.py wrk|oha|h2load|locust|starling|... FILE
FILE is the wrk log, the oha JSON, the h2load log, the Locust --csv prefix or the starling
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
    # Requests in flight when -z ran out are not failures (wrk and the
    # others just do not count them).
    total = sum(codes.values()) + sum(v for k, v in errors.items() if k != "aborted due to deadline")
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


def h2load(path):
    """h2load's summary: its request counts and rate. It reports no
    percentiles, only min/max/mean per request, so p50 and p99 stay empty."""
    text = open(path).read()
    m = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text)
    rps = float(m.group(1)) if m else 0.0
    m = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, "
                  r"(\d+) errored, (\d+) timeout", text)
    if not m:
        raise ValueError("no h2load summary in " + path)
    ok, failed, errored, timeout = (int(g) for g in m.groups())
    m = re.search(r"status codes: (\d+) 2xx", text)
    twos = int(m.group(1)) if m else ok
    return {"requests": ok, "failures": failed + errored + timeout + (ok - twos), "rps": rps,
            "p50_us": None, "p99_us": None}


def locust(prefix):
    with open(prefix + "_stats.csv") as f:
        rows = [r for r in csv.DictReader(f) if r.get("Name") == "Aggregated"]
    if not rows:
        return {"requests": 0, "failures": 0, "rps": 0.0, "p50_us": None, "p99_us": None}
    r = rows[0]

    def ms(key):
        v = r.get(key)
        return None if v in (None, "", "N/A") else float(v) * 1e3

    out = {
        "requests": int(r["Request Count"]),
        "failures": int(r["Failure Count"]),
        "rps": float(r["Requests/s"]),
        "p50_us": ms("50%"),
        "p99_us": ms("99%"),
    }
    # Locust writes the CSV on a timer, and its last write can miss the end
    # of the run (seen: 19,150 in the CSV, 21,592 in the summary it printed,
    # 21,633 answered by nginx, 5 s run on a busy core). The summary that
    # --only-summary prints to stderr (run.sh's PREFIX.err) is final.
    try:
        text = open(prefix + ".err").read()
    except OSError:
        text = ""
    m = re.search(r"^\s+Aggregated\s+(\d+)\s+(\d+)\([\d.]+%\)\s+\|.*\|\s+([\d.]+)\s+[\d.]+\s*$", text, re.M)
    if m and int(m.group(1)) >= out["requests"]:
        out["requests"], out["failures"] = int(m.group(1)), int(m.group(2))
        out["rps"] = float(m.group(3))
    return out


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


def artillery(path):
    """Artillery's --output JSON: its aggregate counters and summaries.
    Failures are its errors (a failed capture, a refused connection, a
    failed expectation reported as an error) and the expect plugin's failed
    checks, each counted once."""
    agg = json.load(open(path))["aggregate"]
    counters = agg.get("counters", {}) or {}
    errors = sum(v for k, v in counters.items()
                 if k.startswith("errors.") and not k.startswith("errors.Failed expectations"))
    failures = errors + counters.get("plugins.expect.failed", 0)
    responses = counters.get("http.responses", 0)
    first, last = agg.get("firstCounterAt"), agg.get("lastCounterAt")
    span = (last - first) / 1000 if first and last and last > first else 0
    rt = (agg.get("summaries", {}) or {}).get("http.response_time", {}) or {}

    def ms(key):
        v = rt.get(key)
        return None if v is None else float(v) * 1e3

    return {
        "requests": responses,
        "failures": failures,
        "rps": responses / span if span else 0.0,
        "p50_us": ms("p50"),
        "p99_us": ms("p99"),
        "sent": counters.get("http.requests", 0),
    }


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def jmeter(path):
    """JMeter's CSV results (-l, with field names): one row per sample.
    A sample fails when JMeter says so (a connection error, a wrong status,
    an id its regular expression did not find)."""
    elapsed, failures, first, last = [], 0, None, None
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            start, took = int(row["timeStamp"]), int(row["elapsed"])
            elapsed.append(took)
            if row.get("success") != "true":
                failures += 1
            first = start if first is None else min(first, start)
            last = start + took if last is None else max(last, start + took)
    elapsed.sort()
    span = (last - first) / 1000 if elapsed and last > first else 0

    def us(q):
        v = percentile(elapsed, q)
        return None if v is None else float(v) * 1e3

    return {
        "requests": len(elapsed),
        "failures": failures,
        "rps": len(elapsed) / span if span else 0.0,
        "p50_us": us(0.50),
        "p99_us": us(0.99),
    }


def goose(path):
    """Goose's JSON --report-file: its aggregated request metrics (a request
    fails on a connection error, a wrong status or a missing id, see
    bench/goose/src/main.rs), percentiles from its microsecond histogram."""
    data = json.load(open(path))
    agg = [r for r in data.get("raw_request_metrics") or [] if r.get("name") == "Aggregated"]
    if not agg:
        return {"requests": 0, "failures": 0, "rps": 0.0, "p50_us": None, "p99_us": None}
    agg = agg[0]
    times = {}
    for req in ((data.get("raw_metrics") or {}).get("requests") or {}).values():
        for us, n in ((req.get("raw_data") or {}).get("times_us") or {}).items():
            times[int(us)] = times.get(int(us), 0) + int(n)

    def us(q):
        total, seen = sum(times.values()), 0
        for t in sorted(times):
            seen += times[t]
            if seen >= q * total:
                return float(t)
        return None

    return {
        "requests": int(agg["number_of_requests"]),
        "failures": int(agg["number_of_failures"]) + sum(
            int(e.get("occurrences", 0)) for e in data.get("errors") or []
            if e.get("error") not in ("no id", "unexpected status", "no response",
                                      "body not read", "not a JSON object")),
        "rps": float(agg.get("requests_per_second") or 0.0),
        "p50_us": us(0.50),
        "p99_us": us(0.99),
    }


if __name__ == "__main__":
    tool, path = sys.argv[1], sys.argv[2]
    try:
        result = {
            "wrk": wrk, "oha": oha, "h2load": h2load, "locust": locust, "starling": starling,
            "artillery": artillery, "jmeter": jmeter, "goose": goose,
        }[tool](path)
    except (OSError, ValueError, KeyError) as e:
        result = {"requests": 0, "failures": 0, "rps": 0.0, "error": str(e)}
    print(json.dumps(result))

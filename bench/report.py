"""Turns bench/out (runs.jsonl, mem.jsonl, meta.env) into the tables that
run.sh prints and into bench/RESULTS.md.

  python3 bench/report.py OUT_DIR RESULTS_MD

Medians over the repetitions; starling's ratio to each peer is
starling / peer for throughput figures (higher is better for starling) and
peer-relative CPU for the fixed rate (lower is better for starling).
"""

import json
import os
import re
import statistics
import sys

TARGETS = {
    "a": "starling >= 1.3x wrk in requests per generator CPU-second (issue 19; issue 5 asked >= 1.0x wrk and >= 1.2x oha); Artillery, JMeter and Goose shown beside",
    "b": "starling >= 20x Locust in requests per generator CPU-second; (b2) >= 1.0x wrk's one-GET rate of (a) and >= 25x Locust FastHttpUser (issue 19), beside Artillery, JMeter and Goose",
    "c": "<= 8 KiB per user at 9,000 users and <= 1/3 of Locust's per-user memory; per idle user (1,000 to 9,000) plain HTTP/1.1 <= 2.5 KiB, HTTPS/1.1 <= 4 KiB, HTTP/2 <= 6 KiB over h2c and TLS; 9,000 users started at once <= 40 MiB in all (issue 19)",
    "d": "starling CPU <= 0.5x oha's CPU at the same fixed rate (issue 19; issue 5 asked <= 0.8x)",
    "e": "<= 50 us added at the median; the 1 s stall visible in the corrected p99",
    "f": "starling >= 1.3x wrk over TLS in requests per generator CPU-second (issue 19)",
    "g": "starling >= 1.0x h2load in requests per generator CPU-second, the same connections and one stream each (issue 19)",
    "h": "starling >= 1.0x wrk in requests per generator CPU-second at 10 KiB and at 1 MiB (issue 19)",
    "i": "against starling's own one GET with tracing on (the row `starling`): ten steps per journey >= 0.95x its requests per CPU-second (flat), tracing costs <= 5% (`starling-no-trace` at most 1.05x), thresholds judged live with checkpoints and the scraped Prometheus endpoint <= 2% (`starling-gates` >= 0.98x) (issue 19 target 6); the ratio column is `starling` / row",
}
TITLES = {
    "a": "(a) one GET per journey against nginx, 50 connections, no wait",
    "b": "(b) checkout journey (POST /users, /orders, /payments; GET /products) against the demo, 50 users, no wait",
    "b2": "(b2) the same checkout journey against nginx serving a stub of its API (the generator is the limit), 50 users, no wait",
    "c": "(c) memory per virtual user, between(1s, 5s) think time, against nginx",
    "d": "(d) fixed rate of 4,000 requests/s against nginx",
    "e1": "(e) median against a server that answers after exactly 10 ms, 5 connections, closed loop",
    "e2": "(e) 200 requests/s with a 1 s server stall at 40% of the run",
    "f": "(f) one GET over HTTPS/1.1 against nginx, 50 connections, no wait",
    "gc": "(g) one GET over HTTP/2 with prior knowledge (h2c) against nginx, 50 connections of one stream, no wait",
    "gt": "(g) one GET over HTTP/2 over TLS against nginx, 50 connections of one stream, no wait",
    "h10k": "(h) one GET of a 10 KiB body against nginx, 50 connections, no wait",
    "h1m": "(h) one GET of a 1 MiB body against nginx, 50 connections, no wait",
    "i": "(i) how cost grows: starling's one GET beside ten steps per journey, tracing off, and gates with checkpoints and metrics, 50 users, no wait",
}


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_meta(path):
    meta = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    return meta


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def cpu(run):
    return run["user"] + run["sys"]


def per_cpu(run):
    c = cpu(run)
    return run["requests"] / c if c > 0 else None


def table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        out.append("| " + " | ".join(row) + " |")
    return "\n".join(out)


def fmt(v, digits=0, suffix=""):
    if v is None:
        return "n/a"
    if digits == 0:
        return f"{v:,.0f}{suffix}"
    return f"{v:,.{digits}f}{suffix}"


def tools_of(runs, workload):
    seen = []
    for r in runs:
        if r["workload"] == workload and r["tool"] not in seen:
            seen.append(r["tool"])
    return seen


def throughput_section(runs, workload):
    tools = tools_of(runs, workload)
    if not tools:
        return None
    stats = {}
    for t in tools:
        rs = [r for r in runs if r["workload"] == workload and r["tool"] == t]
        stats[t] = {
            "n": len(rs),
            "rps": med([r["rps"] for r in rs]),
            "per_cpu": med([per_cpu(r) for r in rs]),
            "cpu": med([cpu(r) for r in rs]),
            "rss": med([r["maxrss_kb"] / 1024 for r in rs]),
            "p50": med([r.get("p50_us") for r in rs]),
            "p99": med([r.get("p99_us") for r in rs]),
            "fail": sum(r.get("failures", 0) for r in rs),
            "req": sum(r.get("requests", 0) for r in rs),
            "all": ", ".join(fmt(per_cpu(r)) for r in rs),
            "seen": seen_by_server(rs),
        }
    base = stats.get("starling", {}).get("per_cpu")
    with_server = any(s["seen"] is not None for s in stats.values())
    rows = []
    for t in tools:
        s = stats[t]
        ratio = "—" if t == "starling" or not base or not s["per_cpu"] else f"{base / s['per_cpu']:.2f}x"
        row = [
            t, str(s["n"]), fmt(s["rps"]), fmt(s["per_cpu"]), s["all"], fmt(s["cpu"], 2),
            fmt(s["rss"], 1), fmt(s["p50"]), fmt(s["p99"]), f"{s['fail']}/{s['req']}",
        ]
        if with_server:
            row.append(s["seen"] or "n/a")
        rows.append(row + [ratio])
    headers = ["tool", "runs", "req/s", "req per CPU-s", "each run", "CPU-s", "peak RSS MiB",
               "p50 µs", "p99 µs", "failed/requests"]
    if with_server:
        headers.append("answered by nginx")
    return table(headers + ["starling ÷ tool (req per CPU-s)"], rows)


def seen_by_server(rs):
    """The requests nginx answered during these runs (its stub_status, read
    by run.sh before and after each), marked when a tool counted more than
    nginx answered, i.e. requests that never reached the server. nginx may
    answer a few more than a tool counts: those in flight when it stopped."""
    counts = [r["server_requests"] for r in rs if "server_requests" in r]
    if not counts:
        return None
    short = sum(1 for r in rs if "server_requests" in r and r["server_requests"] < r["requests"])
    text = str(sum(counts))
    return text + (f" (fewer than counted in {short} runs)" if short else "")


def rate_section(runs):
    tools = tools_of(runs, "d")
    if not tools:
        return None
    stats = {}
    for t in tools:
        rs = [r for r in runs if r["workload"] == "d" and r["tool"] == t]
        stats[t] = {
            "n": len(rs),
            "rps": med([r["rps"] for r in rs]),
            "cpu": med([cpu(r) for r in rs]),
            "wall": med([r["wall"] for r in rs]),
            "rss": med([r["maxrss_kb"] / 1024 for r in rs]),
            "per_cpu": med([per_cpu(r) for r in rs]),
            "p99": med([r.get("p99_us") for r in rs]),
            "fail": sum(r.get("failures", 0) for r in rs),
            "req": sum(r.get("requests", 0) for r in rs),
        }
    base = stats.get("starling", {}).get("cpu")
    rows = []
    for t in tools:
        s = stats[t]
        ratio = "—" if t == "starling" or not base or not s["cpu"] else f"{base / s['cpu']:.2f}x"
        share = s["cpu"] / s["wall"] * 100 if s["wall"] else None
        rows.append([
            t, str(s["n"]), fmt(s["rps"]), fmt(s["cpu"], 2), fmt(share, 1, "%"), fmt(s["per_cpu"]),
            fmt(s["rss"], 1), fmt(s["p99"]), f"{s['fail']}/{s['req']}", ratio,
        ])
    return table(
        ["tool", "runs", "achieved req/s", "CPU-s", "CPU of one core", "req per CPU-s",
         "peak RSS MiB", "p99 µs", "failed/requests", "starling CPU ÷ tool CPU"],
        rows,
    )


def mem_section(mem):
    if not mem:
        return None
    by, running = {}, {}
    for m in mem:
        by.setdefault(m["tool"], {})[m["users"]] = m["rss_kb"]
        if m["users"] == 9000 and "running_ms" in m:
            running[m["tool"]] = m["running_ms"]
    rows = []
    per_user_9000 = {}
    for tool, points in by.items():
        base = points.get(10)
        cells = [tool]
        for n in (10, 1000, 9000):
            cells.append(fmt(points[n] / 1024, 1) if n in points else "n/a")
        for n in (1000, 9000):
            if base is not None and n in points:
                cells.append(fmt((points[n] - base) / (n - 10), 1))
            else:
                cells.append("n/a")
        if 1000 in points and 9000 in points:
            cells.append(fmt((points[9000] - points[1000]) / 8000, 1))
        else:
            cells.append("n/a")
        if base is not None and 9000 in points:
            per_user_9000[tool] = (points[9000] - base) / 8990
        ran = running.get(tool)
        cells.append(fmt(ran) if ran is not None and ran >= 0 else ("> 12,000" if ran is not None else "n/a"))
        rows.append(cells)
    # The ratio is plain starling's against each peer; starling's other
    # rows (all at once, HTTPS, HTTP/2) are its own cases, not peers.
    s = per_user_9000.get("starling")
    for row in rows:
        peer = per_user_9000.get(row[0])
        own = row[0].startswith("starling")
        row.append("—" if own or not s or not peer else f"{s / peer:.2f}x")
    return table(
        ["tool", "RSS 10 users MiB", "RSS 1,000 MiB", "RSS 9,000 MiB", "KiB/user at 1,000",
         "KiB/user at 9,000", "KiB/user 1,000→9,000", "all running after ms", "starling ÷ tool (at 9,000)"],
        rows,
    )


def latency_section(runs):
    tools = tools_of(runs, "e1")
    if not tools:
        return None
    rows = []
    for t in tools:
        r = [x for x in runs if x["workload"] == "e1" and x["tool"] == t][0]
        p50 = r.get("p50_us")
        rows.append([t, fmt(r["rps"]), fmt(p50), fmt(None if p50 is None else p50 - 10_000),
                     fmt(r.get("p99_us")), f"{r.get('failures', 0)}/{r['requests']}"])
    return table(["tool", "req/s", "p50 µs", "p50 − 10 ms (µs)", "p99 µs", "failed/requests"], rows)


def stall_section(runs):
    tools = tools_of(runs, "e2")
    if not tools:
        return None
    rows = []
    for t in tools:
        r = [x for x in runs if x["workload"] == "e2" and x["tool"] == t][0]
        corrected = r.get("p99c_us")
        if t == "oha-corrected":
            corrected, uncorrected = r.get("p99_us"), None
        else:
            uncorrected = r.get("p99_us")
        rows.append([t, fmt(r["rps"]), str(r["requests"]), fmt(r.get("p50_us")), fmt(uncorrected),
                     fmt(corrected), str(r.get("dropped", "n/a"))])
    return table(["tool", "req/s", "requests", "p50 µs", "p99 µs (measured)",
                  "p99 µs (corrected)", "dropped arrivals"], rows)


def median_of(runs, kept, workload, tool, key):
    """The median of one figure of a tool's runs of a workload: "per_cpu"
    (requests per CPU-second) or "cpu" (CPU-seconds). A workload bench/out
    holds no runs of is read from its section kept from the last RESULTS.md
    (`kept`); None if neither has it."""
    rs = [r for r in runs if r["workload"] == workload and r["tool"] == tool]
    if rs:
        return med([per_cpu(r) if key == "per_cpu" else cpu(r) for r in rs])
    column = {"per_cpu": "req per CPU-s", "cpu": "CPU-s"}[key]
    return kept_figures(kept.get(workload)).get(tool, {}).get(column)


def kept_figures(section):
    """{tool: {column header: number}} of a section's table as report.py
    wrote it (numbers with thousands commas; n/a and text are skipped)."""
    figures = {}
    if not section:
        return figures
    lines = [l for l in section.splitlines() if l.startswith("|")]
    if len(lines) < 3:
        return figures
    headers = [h.strip() for h in lines[0].strip("|").split("|")]
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        row = {}
        for h, c in zip(headers[1:], cells[1:]):
            try:
                row[h] = float(c.replace(",", ""))
            except ValueError:
                pass
        figures[cells[0]] = row
    return figures


def targets_section(runs, mem, kept):
    """Issue 19's targets, each with its figure and whether it is met: from
    bench/out, or for a workload not run since bench/out was made, from its
    section kept from the last RESULTS.md (`kept`, by workload key)."""
    rows = []

    def ratio(label, target, workload, tool, peer_workload, peer, at_least, key="per_cpu"):
        a = median_of(runs, kept, workload, tool, key)
        b = median_of(runs, kept, peer_workload, peer, key)
        if a is None or b is None or not b:
            rows.append([label, target, "n/a", "not measured"])
            return
        r = a / b
        met = r >= at_least if key == "per_cpu" else r <= at_least
        rows.append([label, target, f"{r:.2f}x", "**met**" if met else "missed"])

    ratio("1 (a) one GET", ">= 1.3x wrk", "a", "starling", "a", "wrk", 1.3)
    ratio("2 (b2) checkout", ">= 1.0x wrk's one-GET rate", "b2", "starling", "a", "wrk", 1.0)
    ratio("2 (b2) checkout", ">= 25x Locust FastHttpUser", "b2", "starling", "b2", "locust-fast", 25)
    ratio("3 (f) HTTPS/1.1", ">= 1.3x wrk over TLS", "f", "starling", "f", "wrk", 1.3)
    ratio("3 (g) HTTP/2 h2c", ">= 1.0x h2load", "gc", "starling", "gc", "h2load", 1.0)
    ratio("3 (g) HTTP/2 TLS", ">= 1.0x h2load", "gt", "starling", "gt", "h2load", 1.0)
    ratio("4 (h) 10 KiB body", ">= 1.0x wrk", "h10k", "starling", "h10k", "wrk", 1.0)
    ratio("4 (h) 1 MiB body", ">= 1.0x wrk", "h1m", "starling", "h1m", "wrk", 1.0)
    by = {}
    for m in mem:
        by.setdefault(m["tool"], {})[m["users"]] = m["rss_kb"]
    if not mem:
        for tool, row in kept_figures(kept.get("c")).items():
            for users, column in ((1000, "RSS 1,000 MiB"), (9000, "RSS 9,000 MiB")):
                if column in row:
                    by.setdefault(tool, {})[users] = row[column] * 1024
    for tool, label, limit in (("starling", "plain HTTP/1.1", 2.5), ("starling-https", "HTTPS/1.1", 4),
                               ("starling-h2c", "HTTP/2 h2c", 6), ("starling-h2-tls", "HTTP/2 TLS", 6)):
        points = by.get(tool, {})
        target = f"<= {limit} KiB per idle user"
        if 1000 in points and 9000 in points:
            kib = (points[9000] - points[1000]) / 8000
            rows.append([f"5 (c) {label}", target, f"{kib:.1f} KiB",
                         "**met**" if kib <= limit else "missed"])
        else:
            rows.append([f"5 (c) {label}", target, "n/a", "not measured"])
    at_once = by.get("starling-at-once", {}).get(9000)
    if at_once is None:
        rows.append(["5 (c) 9,000 at once", "<= 40 MiB", "n/a", "not measured"])
    else:
        mib = at_once / 1024
        rows.append(["5 (c) 9,000 at once", "<= 40 MiB", f"{mib:.1f} MiB", "**met**" if mib <= 40 else "missed"])
    ratio("6 (i) 10 steps per journey", ">= 0.95x one step (flat)", "i", "starling-10-steps", "i", "starling", 0.95)
    ratio("6 (i) tracing on", ">= 0.95x tracing off (costs <= 5%)", "i", "starling", "i", "starling-no-trace", 0.95)
    ratio("6 (i) gates, checkpoints, metrics", ">= 0.98x without (costs <= 2%)", "i", "starling-gates", "i",
          "starling", 0.98)
    running = [m.get("running_ms") for m in mem if m["tool"] == "starling-at-once" and m["users"] == 9000]
    if not mem:
        running = [kept_figures(kept.get("c")).get("starling-at-once", {}).get("all running after ms")]
    running = [r for r in running if r is not None]
    if not running:
        rows.append(["6 (c) 9,000 at once running", "<= 1 s after start", "n/a", "not measured"])
    elif running[-1] < 0:
        rows.append(["6 (c) 9,000 at once running", "<= 1 s after start", "not all within 12 s", "missed"])
    else:
        ms = running[-1]
        rows.append(["6 (c) 9,000 at once running", "<= 1 s after start", f"{ms / 1000:.2f} s",
                     "**met**" if ms <= 1000 else "missed"])
    ratio("7 (d) fixed rate", "<= 0.5x oha's CPU", "d", "starling", "d", "oha", 0.5, key="cpu")
    return table(["issue 19 target", "asks", "figure", "verdict"], rows)


def commands(runs, mem_present, out_dir):
    seen = {}
    for r in runs:
        key = (r["workload"], r["tool"])
        if key not in seen:
            seen[key] = r["cmd"]
    lines = [f"- ({w}) {t}: `{c}`" for (w, t), c in seen.items()]
    if mem_present:
        lines.append("- (c) starling: `starling run bench/scenarios/get_think.yaml --workers 1 --quiet "
                     "--host http://127.0.0.1:18080 --users N --spawn-rate 3000 --duration 120s "
                     "--stop-timeout 2s` (starling-at-once: `--spawn-rate 1000000`; starling-https: "
                     "`--host https://127.0.0.1:18081 --ca-file bench/out/nginx/tls/ca.pem --http 1.1`; "
                     "starling-h2c: `--host http://127.0.0.1:18082 --http 2`; starling-h2-tls: "
                     "`--host https://127.0.0.1:18083 --ca-file bench/out/nginx/tls/ca.pem --http 2`); Locust: `BENCH_WAIT=think locust -f bench/locust_get.py "
                     "--headless -H http://127.0.0.1:18080 -u N -r 1000 -t 300s GetUser|HttpGetUser`; "
                     "RSS read from /proc/PID/status 6 s after the last user started; starling-at-once's "
                     "'all running after' is the time from its launch until nginx's stub_status "
                     "holds one connection per user")
    text = "\n".join(lines)
    # JMeter's saveservice_properties is a path below its home directory.
    text = re.sub(r"-Jsaveservice_properties=\S*?/jmeter/saveservice\.properties",
                  "-Jsaveservice_properties=/../../..<out>/jmeter/saveservice.properties", text)
    text = text.replace(os.path.abspath(out_dir) + "/", "bench/out/")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    text = text.replace(root + "/", "")
    # The release binary, wherever CARGO_TARGET_DIR put it.
    return re.sub(r"`\S*/release/starling ", "`starling ", text)


def previous(results):
    """The figures and commands of the RESULTS.md being replaced, by
    workload key: a workload with no figures in OUT_DIR (a fresh bench/out,
    or one that was not rerun and whose raw files are gone) keeps what was
    last measured, with the date and commit its section already names."""
    sections, cmds = {}, {}
    if not os.path.exists(results):
        return sections, cmds
    text = open(results).read()
    figures = text.split("\n## Figures\n", 1)[-1].split("\n## Commands\n", 1)
    by_title = {title: key for key, title in TITLES.items()}
    for chunk in figures[0].split("\n### ")[1:]:
        title = chunk.split("\n", 1)[0].strip()
        if title in by_title:
            sections[by_title[title]] = "### " + chunk.strip("\n") + "\n"
    if len(figures) > 1:
        for line in figures[1].split("\n## ", 1)[0].splitlines():
            m = re.match(r"- \((\w+)\) ", line)
            if m:
                cmds.setdefault(m.group(1), []).append(line)
    return sections, cmds


def main():
    out_dir, results = sys.argv[1], sys.argv[2]
    old_sections, old_commands = previous(results)
    runs = load_jsonl(os.path.join(out_dir, "runs.jsonl"))
    mem = load_jsonl(os.path.join(out_dir, "mem.jsonl"))
    meta = load_meta(os.path.join(out_dir, "meta.env"))
    sections = [
        ("a", throughput_section(runs, "a")),
        ("b", throughput_section(runs, "b")),
        ("b2", throughput_section(runs, "b2")),
        ("c", mem_section(mem)),
        ("d", rate_section(runs)),
        ("e1", latency_section(runs)),
        ("e2", stall_section(runs)),
        ("f", throughput_section(runs, "f")),
        ("gc", throughput_section(runs, "gc")),
        ("gt", throughput_section(runs, "gt")),
        ("h10k", throughput_section(runs, "h10k")),
        ("h1m", throughput_section(runs, "h1m")),
        ("i", throughput_section(runs, "i")),
    ]
    body = []
    for key, text in sections:
        if text is None:
            if key in old_sections:
                body.append(old_sections[key])
            continue
        # b2 can be rerun alone (run.sh b2); e1 and e2 only with e.
        when = (load_meta(os.path.join(out_dir, f"meta-{key}.env"))
                or load_meta(os.path.join(out_dir, f"meta-{key[0]}.env")))
        measured = ""
        if when:
            measured = f" Measured {when.get('date', '?')} with {when.get('starling', '?')}."
        body.append(f"### {TITLES[key]}\n\nTarget: {TARGETS[key[0]]}.{measured}\n\n{text}\n")
    report = "\n".join(body)
    print(report)

    md = [
        "# Benchmark results",
        "",
        "Generated by `bench/run.sh` (see bench/README.md); the raw logs are in bench/out/.",
        "Medians over the repetitions. The target runs on CPU 1, every generator on CPU 0",
        "(`taskset`), all on 127.0.0.1. CPU-s is user+sys of the generator process",
        "(`/usr/bin/time`), start-up included; peak RSS is its maximum resident set.",
        "",
        "## Machine and versions",
        "",
        "Of the latest invocation; each workload's section says when, and at which commit,",
        "it was last measured.",
        "",
    ]
    for k in ("date", "cores", "cpu", "kernel", "starling", "wrk", "oha", "locust", "artillery", "jmeter",
              "goose", "h2load", "nginx", "python",
              "duration", "reps", "workloads"):
        if k in meta:
            md.append(f"- {k}: {meta[k]}")
    fresh = {r["workload"] for r in runs} | ({"c"} if mem else set())
    kept = [line for key, lines in old_commands.items() if key not in fresh for line in lines]
    cmd_text = "\n".join([commands(runs, bool(mem), out_dir)] + kept).strip("\n")
    md += ["", "## Targets (issue 19)", "", targets_section(runs, mem, old_sections), "",
           "## Figures", "", report, "## Commands", "", cmd_text, ""]
    notes = os.path.join(os.path.dirname(os.path.abspath(results)), "NOTES.md")
    if os.path.exists(notes):
        md += ["", open(notes).read()]
    with open(results, "w") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    main()

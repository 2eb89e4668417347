"""Drives the starling web UI in headless Chromium, as a person would, and
prints what it saw as JSON for the Rust tests (tests/web_ui/browser.rs)
to judge. It reuses the HTML report's browser helpers
(crates/report/tests/support/browser.py, on PYTHONPATH) and their error
hooks and chart measurements (browser_check.py).

usage: ui_browser.py cycle URL --stats URL... --downloads DIR --screenshot PNG [--hold S]
       ui_browser.py big URL
"""

import argparse
import json
import pathlib
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browser
from browser_check import HOOKS, INJECTED, MEASURE, STATE


def wait(driver, what, condition, timeout=30):
    """Until `condition()` is true, checked every 50 ms, for `timeout` s."""
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda _: condition(), message=what)


def by_id(driver, name):
    return driver.find_element(By.ID, name)


def phase(driver):
    return by_id(driver, "ui-phase").get_attribute("data-phase")


def users(driver):
    return by_id(driver, "fig-users").get_attribute("data-value")


def requests(driver):
    """Requests counted so far, from the latest frame's page data."""
    return driver.execute_script(
        "var f = StarlingUi.latest(); return f && f.run ? f.run.totals.requests : 0;"
    )


def fill(driver, name, text):
    field = by_id(driver, name)
    field.clear()
    if text:
        field.send_keys(text)


def received(stats):
    """Every request the demo's services counted, from their /admin/stats."""
    total = 0
    for url in stats:
        with urllib.request.urlopen(url, timeout=10) as answer:
            total += sum(json.load(answer)["requests"].values())
    return total


def errors(driver, expected=()):
    """What went wrong on the page, but for the refusals the test caused
    (the browser logs every 4xx answer as an error)."""
    recorded = driver.execute_script("return window.__starling;")
    logged = [
        e["message"]
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and not any(x in e["message"] for x in expected)
    ]
    return recorded["errors"] + logged, recorded["alerts"]


def hold(driver, seconds):
    """Lets the run go on for `seconds` more (for a screenshot with some
    history in its charts), by the page's own clock."""
    if seconds:
        until = int(by_id(driver, "fig-elapsed").get_attribute("data-value")) + seconds * 1000
        elapsed = lambda: int(by_id(driver, "fig-elapsed").get_attribute("data-value"))
        wait(driver, "the run to go on", lambda: elapsed() >= until, timeout=seconds + 30)


def cycle(driver, args):
    facts = {}
    downloads = pathlib.Path(args.downloads).resolve()
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.get(args.url)
    wait(driver, "the first frame", lambda: phase(driver) == "idle")
    facts["prefill"] = {
        field: by_id(driver, "start-" + field.replace("_", "-")).get_attribute("value")
        for field in ["users", "spawn_rate", "host", "duration"]
    }

    # A negative user count: the server's message, in the form.
    fill(driver, "start-users", "-5")
    by_id(driver, "start-button").click()
    error = by_id(driver, "start-error")
    wait(driver, "the form's error", lambda: error.is_displayed() and error.text)
    facts["bad_input"] = error.text
    facts["phase_after_bad_input"] = phase(driver)
    facts["received_after_bad_input"] = received(args.stats)

    # 10 users until stopped.
    fill(driver, "start-users", "10")
    fill(driver, "start-spawn-rate", "10")
    fill(driver, "start-duration", "")
    by_id(driver, "start-button").click()
    wait(driver, "10 users", lambda: users(driver) == "10")
    facts["users_10"] = {"users": users(driver)}
    first = requests(driver)
    wait(driver, "the numbers moving", lambda: requests(driver) > first)
    facts["moving"] = [first, requests(driver)]
    hold(driver, args.hold)
    counts = [received(args.stats)]

    # 30 users.
    fill(driver, "steer-users", "30")
    fill(driver, "steer-spawn-rate", "30")
    applied = time.monotonic()
    by_id(driver, "steer-button").click()
    wait(driver, "30 users", lambda: users(driver) == "30")
    facts["users_30"] = {
        "users": users(driver),
        "target": by_id(driver, "fig-users-target").text,
        "seconds": time.monotonic() - applied,
    }
    counts.append(received(args.stats))
    wait(driver, "the demo counting more", lambda: received(args.stats) > counts[-1])
    counts.append(received(args.stats))
    facts["received"] = counts
    hold(driver, args.hold)
    facts["charts"] = driver.execute_script("return window.__measure();")
    pathlib.Path(args.screenshot).write_bytes(browser.full_page_png(driver))

    # Reset statistics: the counts start again, the users stay.
    before = requests(driver)
    by_id(driver, "reset-button").click()
    message = by_id(driver, "ui-message")
    wait(
        driver,
        "the reset",
        lambda: message.is_displayed() and message.text.startswith("statistics reset"),
    )
    wait(driver, "the counts restarted", lambda: requests(driver) < before)
    facts["reset"] = {
        "before": before,
        "after": requests(driver),
        "users": users(driver),
        "message": message.text,
    }

    by_id(driver, "stop-button").click()
    wait(driver, "the run's end", lambda: phase(driver) == "finished")
    facts["phase_after_stop"] = phase(driver)

    button = driver.find_element(By.CSS_SELECTOR, '#download-list button[data-name="stats.csv"]')
    button.click()
    saved = downloads / "starling_stats.csv"
    wait(driver, "the CSV saved", lambda: saved.exists() and saved.stat().st_size > 0)
    refused = "/api/start - Failed to load resource: the server responded with a status of 400"
    facts["errors"], facts["alerts"] = errors(driver, [refused])
    return facts


# A frame of the finished run grown to 1,000 request names and 100
# services (each a copy of a real one, tracks included), drawn by the UI's
# own path twice (a first frame, then the next), timed.
BIG = r"""
var done = arguments[arguments.length - 1];
function clone(v) { return JSON.parse(JSON.stringify(v)); }
function pad(n) { return ("00" + n).slice(-3); }
var frame = StarlingUi.latest();
var base = frame.run;
var tracks = base.tracks || {};
var reqs = Object.keys(base.requests), svcs = Object.keys(base.services);
var big = clone(base);
big.requests = {}; big.services = {};
big.tracks = clone(tracks); big.tracks.requests = {}; big.tracks.services = {};
// A few names as a hostile target or scenario could make them: they must
// show as text and never run.
var HOSTILE_SERVICE = "<svg onload=alert(4)>";
for (var s = 0; s < 100; s++) {
  var fromService = svcs[s % svcs.length], service = s === 1 ? HOSTILE_SERVICE : "service-" + pad(s);
  big.services[service] = clone(base.services[fromService]);
  if (tracks.services && tracks.services[fromService]) big.tracks.services[service] = clone(tracks.services[fromService]);
}
for (var i = 0; i < 1000; i++) {
  var fromRequest = reqs[i % reqs.length];
  var request = i === 0 ? "GET /<img src=x onerror=alert(3)>" : "GET /items/" + i + "?page=" + (i % 7);
  var r = clone(base.requests[fromRequest]);
  r.service = i % 100 === 1 ? HOSTILE_SERVICE : "service-" + pad(i % 100);
  big.requests[request] = r;
  if (tracks.requests && tracks.requests[fromRequest]) big.tracks.requests[request] = clone(tracks.requests[fromRequest]);
}
var next = clone(frame);
next.run = big;
next.status.scenario = "<img src=x onerror=alert(1)>.yaml";
next.status.message = "</script><script>alert(2)</script>";
next.header = { target: "javascript:alert(5)", load_shape: "<iframe src=javascript:alert(6)>" };
var text = JSON.stringify(next);
var t0 = performance.now();
var parsed = JSON.parse(text);
var t1 = performance.now();
StarlingUi.show(parsed);
var t2 = performance.now();
var again = JSON.parse(text);
again.run.totals.requests += 1;
StarlingUi.show(again);
var t3 = performance.now();
// Read now: a tab switch would draw the stream's latest frame again.
var shown = document.getElementById("ui").textContent + document.getElementById("starling").textContent;
var injected = (function () {
%INJECTED%
})();
requestAnimationFrame(function () {
  setTimeout(function () {
    done({
      requests: Object.keys(big.requests).length,
      services: Object.keys(big.services).length,
      bytes: text.length,
      parse_ms: t1 - t0,
      first_ms: t2 - t1,
      again_ms: t3 - t2,
      options: document.querySelectorAll("#starling select.selector option").length,
      text: shown,
      injected: injected,
    });
  }, 100);
});
"""


def big(driver, args):
    driver.get(args.url)
    wait(driver, "the first frame", lambda: phase(driver) == "idle")
    fill(driver, "start-users", "3")
    fill(driver, "start-spawn-rate", "3")
    fill(driver, "start-duration", "2s")
    by_id(driver, "start-button").click()
    wait(driver, "a short run's end", lambda: phase(driver) == "finished")
    by_id(driver, "tabs").find_element(By.CSS_SELECTOR, '[data-tab="requests"]').click()
    facts = {"big": driver.execute_async_script(BIG.replace("%INJECTED%", INJECTED))}
    facts["big"]["rows"] = driver.execute_script(STATE)["rows"]
    facts["injected"] = facts["big"].pop("injected")
    facts["text"] = facts["big"].pop("text")
    facts["errors"], facts["alerts"] = errors(driver)
    return facts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["cycle", "big"])
    parser.add_argument("url")
    parser.add_argument("--stats", action="append", default=[])
    parser.add_argument("--downloads")
    parser.add_argument("--screenshot")
    parser.add_argument("--hold", type=int, default=0, help="seconds at 10 and at 30 users")
    args = parser.parse_args()
    driver = browser.start(width=1280, height=1000)
    try:
        browser.hook_before_load(driver, HOOKS + MEASURE)
        facts = cycle(driver, args) if args.action == "cycle" else big(driver, args)
    finally:
        driver.quit()
    browser.dump(facts)


if __name__ == "__main__":
    main()

"""Loads an HTML report in headless Chromium and prints, as JSON, what a
reader would meet: errors, alerts, injected markup, the text, the
selector, every chart's pixels, and (on request) what selecting a name,
hiding series, re-rendering and a screenshot show. The Rust tests
(tests/html_browser.rs) judge these facts.

usage: browser_check.py FILE.html [--select KIND:NAME] [--series]
                        [--rerender] [--screenshot OUT.png]
"""

import argparse
import base64
import pathlib
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import browser

# Before any of the page's scripts: record errors, CSP violations and
# every dialog, so an injected `alert(1)` is seen rather than blocking.
HOOKS = r"""
window.__starling = { errors: [], alerts: [] };
window.addEventListener("error", function (e) {
  var what = e.message || (e.target && e.target.tagName ? "failed to load " + e.target.tagName : String(e));
  window.__starling.errors.push("error: " + what);
}, true);
window.addEventListener("unhandledrejection", function (e) {
  window.__starling.errors.push("unhandled rejection: " + e.reason);
});
document.addEventListener("securitypolicyviolation", function (e) {
  window.__starling.errors.push("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
});
["alert", "confirm", "prompt", "print", "open"].forEach(function (name) {
  window[name] = function (message) { window.__starling.alerts.push(name + ": " + message); };
});
(function () {
  var original = console.error;
  console.error = function () {
    window.__starling.errors.push("console.error: " + Array.prototype.map.call(arguments, String).join(" "));
    return original.apply(console, arguments);
  };
})();
"""

# Pixel facts of every chart: size, painted and coloured pixels (axes and
# grid are grey, so coloured pixels are drawn series), and a fingerprint
# that changes when the drawing does.
MEASURE = r"""
function pixels(canvas) {
  var d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  var painted = 0, colored = 0, hash = 0;
  for (var i = 0; i < d.length; i += 4) {
    if (!d[i + 3]) continue;
    painted++;
    var r = d[i], g = d[i + 1], b = d[i + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) colored++;
    hash = (Math.imul(hash, 31) + (i ^ ((r << 16) | (g << 8) | b))) >>> 0;
  }
  return { painted: painted, colored: colored, fingerprint: hash };
}
function titleOf(holder) {
  var box = holder.closest(".chart");
  if (box) return box.querySelector("h3").textContent;
  var row = holder.closest("tr");
  return row ? "service " + row.cells[0].textContent : "";
}
window.__measure = function () {
  var root = document.getElementById("starling");
  return StarlingPage.charts(root).map(function (c) {
    var canvas = c.holder.querySelector("canvas");
    var facts = pixels(canvas);
    facts.title = titleOf(c.holder);
    facts.small = !c.holder.closest(".chart");
    facts.width = canvas.width;
    facts.height = canvas.height;
    facts.visible = c.holder.getClientRects().length > 0;
    facts.series = c.plot.series.slice(1).map(function (s) { return s.label; });
    return facts;
  });
};
"""

# Each series alone: its coloured pixels (a series with nothing to draw
# leaves none, whatever the scales do).
SERIES = r"""
var done = arguments[arguments.length - 1];
function tick() { return new Promise(function (r) { setTimeout(r, 30); }); }
(async function () {
  var root = document.getElementById("starling");
  var out = [];
  for (var c of StarlingPage.charts(root)) {
    var plot = c.plot, canvas = c.holder.querySelector("canvas");
    var counts = [];
    for (var i = 1; i < plot.series.length; i++) {
      for (var j = 1; j < plot.series.length; j++) plot.setSeries(j, { show: j === i });
      await tick();
      var d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      var colored = 0;
      for (var k = 0; k < d.length; k += 4) {
        if (d[k + 3] && Math.max(d[k], d[k + 1], d[k + 2]) - Math.min(d[k], d[k + 1], d[k + 2]) > 60) colored++;
      }
      counts.push({ label: plot.series[i].label, colored: colored });
    }
    for (var j = 1; j < plot.series.length; j++) plot.setSeries(j, { show: true });
    out.push(counts);
  }
  await tick();
  done(out);
})().catch(function (e) { done({ error: String(e) }); });
"""

# Renders again with changed data, as the web UI does every second.
RERENDER = r"""
var root = document.getElementById("starling");
var data = JSON.parse(document.getElementById("starling-data").textContent);
var now = data.runs[data.runs.length - 1];
function busier(values) { return values.map(function (v, i) { return v * 3 + (i % 7) * 5 + 10; }); }
now.timeseries.rps = busier(now.timeseries.rps);
Object.keys(now.tracks.services || {}).forEach(function (name) {
  now.tracks.services[name].count = busier(now.tracks.services[name].count);
});
var before = StarlingPage.charts(root).map(function (c) { return c.plot; });
var start = performance.now();
var times = 5;
for (var k = 0; k < times; k++) StarlingPage.render(root, data.runs, { header: data.header });
var ms = (performance.now() - start) / times;
var after = StarlingPage.charts(root).map(function (c) { return c.plot; });
return {
  ms: ms,
  charts_before: before.length,
  charts_after: after.length,
  same_charts: before.length === after.length && before.every(function (p) { return after.indexOf(p) >= 0; }),
};
"""

STATE = r"""
function rows(part) {
  return document.querySelectorAll(".part-" + part + " tbody tr:not(.funnel-row)").length;
}
var sorted = document.querySelector(".part-requests th[aria-sort]");
var select = document.querySelector("select.selector");
var option = select && select.options[select.selectedIndex];
return {
  rows: { journeys: rows("journeys"), services: rows("services"), requests: rows("requests"), failures: rows("failures") },
  funnels: document.querySelectorAll(".funnel .step").length,
  requests_sorted_by: sorted ? sorted.textContent + " " + sorted.getAttribute("aria-sort") : null,
  selected: option ? [option.parentNode.label || "", option.textContent] : null,
};
"""

INJECTED = r"""
var on = 0, js = 0;
document.querySelectorAll("*").forEach(function (el) {
  for (var a of el.attributes) {
    if (/^on/i.test(a.name)) on++;
    if (/^\s*javascript:/i.test(a.value)) js++;
  }
});
return {
  img: document.images.length,
  iframe: document.querySelectorAll("iframe, object, embed, frame").length,
  links: document.querySelectorAll("a[href], link[href], [src]").length,
  on_attributes: on,
  javascript_urls: js,
  scripts: document.scripts.length,
};
"""

SELECTOR = r"""
var select = document.querySelector("select.selector");
if (!select) return null;
return Array.prototype.map.call(select.options, function (o) { return [o.parentNode.label || "", o.textContent]; });
"""

# A screenshot decoded by the browser itself, on a blank page.
SCREENSHOT = r"""
var done = arguments[arguments.length - 1];
var img = new Image();
img.onload = function () {
  var c = document.createElement("canvas");
  c.width = img.width; c.height = img.height;
  var x = c.getContext("2d");
  x.drawImage(img, 0, 0);
  var d = x.getImageData(0, 0, c.width, c.height).data;
  var colors = new Set(), differ = 0, n = 0;
  for (var i = 0; i < d.length; i += 16) {
    n++;
    colors.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4));
    if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 30) differ++;
  }
  done({ width: img.width, height: img.height, distinct_colors: colors.size, not_background: differ / n });
};
img.onerror = function () { done({ error: "the screenshot is not an image" }); };
img.src = "data:image/png;base64," + arguments[0];
"""

KIND_GROUPS = {"journey": "Journeys", "service": "Services", "request": "Requests"}


def settle(driver):
    driver.execute_async_script("var done = arguments[0]; setTimeout(done, 100);")


def select(driver, choice):
    kind, _, name = choice.partition(":")
    group = KIND_GROUPS[kind]
    value = driver.execute_script(
        """
        var select = document.querySelector("select.selector");
        for (var o of select.options) {
          if ((o.parentNode.label || "") === arguments[0] && o.textContent === arguments[1]) return o.value;
        }
        return null;
        """,
        group,
        name,
    )
    if value is None:
        return False
    Select(driver.find_element(By.CSS_SELECTOR, "select.selector")).select_by_value(value)
    settle(driver)
    return True


def click_sort(driver, label):
    for button in driver.find_elements(By.CSS_SELECTOR, ".part-requests th button.sort"):
        if button.text.strip().startswith(label):
            button.click()
            return True
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("html")
    parser.add_argument("--select")
    parser.add_argument("--series", action="store_true")
    parser.add_argument("--rerender", action="store_true")
    parser.add_argument("--expand", action="store_true", help="click every 'show all' first")
    parser.add_argument("--screenshot")
    args = parser.parse_args()

    driver = browser.start()
    try:
        browser.hook_before_load(driver, HOOKS)
        started = time.monotonic()
        driver.get(pathlib.Path(args.html).resolve().as_uri())
        settle(driver)
        facts = {"load_seconds": round(time.monotonic() - started, 3)}
        driver.execute_script(MEASURE)
        facts["title"] = driver.title
        facts["text"] = driver.execute_script("return document.body.innerText;")
        facts["selector"] = driver.execute_script(SELECTOR)
        facts["charts"] = driver.execute_script("return window.__measure();")
        facts["injected"] = driver.execute_script(INJECTED)
        facts["state"] = driver.execute_script(STATE)
        if args.select:
            facts["selected"] = select(driver, args.select)
            facts["after_select"] = {
                "charts": driver.execute_script("return window.__measure();"),
                "state": driver.execute_script(STATE),
            }
        if args.series:
            facts["series"] = driver.execute_async_script(SERIES)
        if args.expand:
            for button in driver.find_elements(By.CSS_SELECTOR, ".table-foot button.toggle"):
                if button.is_displayed():
                    button.click()
            facts["expanded"] = driver.execute_script(STATE)
        if args.rerender:
            facts["sorted"] = click_sort(driver, "p95")
            before = driver.execute_script(STATE)
            charts_before = driver.execute_script("return window.__measure();")
            rerender = driver.execute_script(RERENDER)
            settle(driver)
            rerender["state_before"] = before
            rerender["state_after"] = driver.execute_script(STATE)
            rerender["charts_before"] = charts_before
            rerender["charts_after"] = driver.execute_script("return window.__measure();")
            facts["rerender"] = rerender
        if args.screenshot:
            png = browser.full_page_png(driver)
            pathlib.Path(args.screenshot).write_bytes(png)
        recorded = driver.execute_script("return window.__starling;")
        facts["errors"] = recorded["errors"] + [
            entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
        ]
        facts["alerts"] = recorded["alerts"]
        if args.screenshot:
            driver.get("about:blank")
            facts["screenshot"] = driver.execute_async_script(SCREENSHOT, base64.b64encode(png).decode())
    finally:
        driver.quit()
    browser.dump(facts)


if __name__ == "__main__":
    main()

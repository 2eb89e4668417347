"""Records a HAR 1.2 file of a browser running the demo's checkout journey,
for the `init --from-har` round trip (tests/e2e/init_har.rs).

A small server on 127.0.0.1:0 serves a page with its styles, script and
images, and passes every other path on to the demo's gateway, so the page's
fetch() calls are same-origin (no CORS). Headless Chromium (via the HTML
report's browser helpers, crates/report/tests/support/browser.py, on
PYTHONPATH) loads the page, then runs the journey: create a user, read it
back, order with its id, pay for the order, loading an image and a script
between. The HAR is built from Chromium's performance log (DevTools
Network events) and response bodies (Network.getResponseBody), as a
browser's "Save all as HAR" would write it.

The demo hands out ids from 1, and the converter ignores numbers under 100
(too common to be ids), so the script first creates 100 users and 200 orders
straight at the gateway: the recorded ones are real ids of 3 digits.

usage: record_har.py GATEWAY_URL OUT.har
"""

import base64
import http.server
import json
import sys
import threading
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

import browser

PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>shop</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js"></script>
</head><body><h1>shop</h1><p id="state">ready</p></body></html>
"""

SCRIPT = b"""
async function call(method, path, body) {
  const init = { method, headers: { "Accept": "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const answer = await fetch(path, init);
  if (!answer.ok) throw new Error(method + " " + path + ": " + answer.status);
  return answer.json();
}
function load(tag, url) {
  return new Promise((done, fail) => {
    const node = document.createElement(tag);
    node.onload = done;
    node.onerror = () => fail(new Error("cannot load " + url));
    node.src = url;
    document.body.appendChild(node);
  });
}
async function journey() {
  const user = await call("POST", "/users", { username: "har-shopper" });
  await load("img", "/static/avatar.png?user=" + user.id);
  const again = await call("GET", "/users/" + user.id);
  const order = await call("POST", "/orders", { user_id: again.id, item: "widget" });
  await load("script", "/static/receipt.js");
  const payment = await call("POST", "/payments", { order_id: order.id, amount: 10.5 });
  document.getElementById("state").textContent = "paid";
  return { user: user.id, order: order.id, payment: payment.status };
}
"""

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

ASSETS = {
    "/": ("text/html; charset=utf-8", PAGE),
    "/static/app.css": ("text/css", b"h1 { color: teal; }"),
    "/static/app.js": ("application/javascript", SCRIPT),
    "/static/receipt.js": ("text/javascript", b"window.receipt = true;"),
    "/static/avatar.png": ("image/png", PNG),
    "/favicon.ico": ("image/x-icon", PNG),
}


def serve(gateway):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, mime, body):
            self.send_response(status)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def relay(self):
            asset = ASSETS.get(self.path.split("?")[0])
            if asset and self.command == "GET":
                return self.answer(200, *asset)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            request = urllib.request.Request(gateway + self.path, data=body, method=self.command)
            if self.headers.get("Content-Type"):
                request.add_header("Content-Type", self.headers["Content-Type"])
            try:
                with urllib.request.urlopen(request, timeout=30) as got:
                    self.answer(got.status, got.headers.get("Content-Type", "text/plain"), got.read())
            except urllib.error.HTTPError as got:
                self.answer(got.code, got.headers.get("Content-Type", "text/plain"), got.read())

        do_GET = do_POST = do_PUT = do_DELETE = relay

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def post(url, body):
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as got:
        return json.load(got)


def start_chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = browser.find("STARLING_CHROMIUM", browser.CHROMIUMS)
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-extensions", "--disable-background-networking", "--no-first-run"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = Service(executable_path=browser.find("STARLING_CHROMEDRIVER", browser.DRIVERS))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_script_timeout(60)
    return driver


def events(driver):
    for item in driver.get_log("performance"):
        message = json.loads(item["message"])["message"]
        yield message["method"], message.get("params", {})


def har_headers(headers):
    return [{"name": name, "value": value} for name, value in headers.items()]


def build_har(driver, logged):
    """HAR entries in the order the requests were sent."""
    requests, responses, order = {}, {}, []
    for method, params in logged:
        rid = params.get("requestId")
        if method == "Network.requestWillBeSent":
            if rid not in requests:
                order.append(rid)
            requests[rid] = params
        elif method == "Network.responseReceived":
            responses[rid] = params
    entries = []
    for rid in order:
        sent, got = requests[rid], responses.get(rid)
        request = sent["request"]
        entry_request = {
            "method": request["method"],
            "url": request["url"],
            "httpVersion": "HTTP/1.1",
            "headers": har_headers(request.get("headers", {})),
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": -1,
        }
        if request.get("hasPostData"):
            text = request.get("postData")
            if text is None:
                text = driver.execute_cdp_cmd("Network.getRequestPostData", {"requestId": rid})["postData"]
            mime = next((v for k, v in request.get("headers", {}).items() if k.lower() == "content-type"), "")
            entry_request["postData"] = {"mimeType": mime, "text": text}
        content = {"size": 0, "mimeType": ""}
        status = 0
        if got:
            response = got["response"]
            status = response["status"]
            content["mimeType"] = response.get("mimeType", "")
            try:
                body = driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": rid})
                content["text"] = body["body"]
                if body.get("base64Encoded"):
                    content["encoding"] = "base64"
            except Exception:  # a body Chromium no longer holds: HAR leaves it out too
                pass
        entries.append({
            "startedDateTime": "1970-01-01T00:00:00.000Z",
            "time": 0,
            "request": entry_request,
            "response": {
                "status": status,
                "statusText": "",
                "httpVersion": "HTTP/1.1",
                "headers": har_headers(got["response"].get("headers", {})) if got else [],
                "cookies": [],
                "content": content,
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            },
            "cache": {},
            "timings": {"send": 0, "wait": 0, "receive": 0},
            "_resourceType": sent.get("type", "").lower(),
        })
    return {"log": {"version": "1.2", "creator": {"name": "record_har.py", "version": "1"},
                    "pages": [], "entries": entries}}


def main():
    gateway, out = sys.argv[1].rstrip("/"), sys.argv[2]
    for n in range(100):
        user = post(gateway + "/users", {"username": f"warm-{n}"})
        # Two orders a user, so the recorded user's and order's ids differ:
        # one value that is both is not something a converter can tell apart.
        for _ in range(2):
            post(gateway + "/orders", {"user_id": user["id"], "item": "widget"})
    server = serve(gateway)
    page = f"http://127.0.0.1:{server.server_address[1]}/"
    driver = start_chromium()
    try:
        driver.get(page)
        list(events(driver))  # the page's own load is not part of the recording
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "journey().then(done, e => done({ error: String(e) }));"
        )
        if "error" in result:
            raise SystemExit(f"the journey failed in the browser: {result['error']}")
        har = build_har(driver, list(events(driver)))
    finally:
        driver.quit()
        server.shutdown()
    with open(out, "w") as file:
        json.dump(har, file, indent=2)
    print(json.dumps({"page": page, "journey": result, "entries": len(har["log"]["entries"])}))


if __name__ == "__main__":
    main()

"""Debian's headless Chromium, driven by Selenium, for the HTML report's
tests (browser_check.py) and screenshots (screenshot.py).

Chromium and chromedriver are found in STARLING_CHROMIUM and
STARLING_CHROMEDRIVER, else on PATH; both are passed to Selenium so it
never looks for (or downloads) a browser of its own.
"""

import base64
import json
import os
import shutil

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

# Never let Selenium Manager reach for the network: the paths are given.
os.environ.setdefault("SE_OFFLINE", "true")

CHROMIUMS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
DRIVERS = ["chromedriver", "/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver"]


def find(env, names):
    path = os.environ.get(env)
    if path:
        return path
    for name in names:
        found = shutil.which(name) or (os.path.isfile(name) and os.access(name, os.X_OK) and name)
        if found:
            return found
    raise SystemExit(f"{env}: none of {', '.join(names)} found")


def start(width=1280, height=1400):
    """A headless Chromium with the browser log on, at a fixed size and
    scale so pixel checks do not depend on the machine."""
    options = webdriver.ChromeOptions()
    options.binary_location = find("STARLING_CHROMIUM", CHROMIUMS)
    for arg in [
        "--headless=new",
        # Root in a container has no user namespace for the sandbox.
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--disable-background-networking",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
    ]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=find("STARLING_CHROMEDRIVER", DRIVERS))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_script_timeout(60)
    return driver


def hook_before_load(driver, script):
    """Runs `script` in every new document before the page's own scripts
    (DevTools injects it, so the page's Content Security Policy does not
    apply to it)."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})


def full_page_png(driver):
    """The whole page as PNG bytes, however long it is."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    return base64.b64decode(shot["data"])


def dump(value):
    print(json.dumps(value, ensure_ascii=False))

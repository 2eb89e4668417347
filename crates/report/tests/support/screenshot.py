"""A PNG of a whole HTML page, taken by the same headless Chromium the
browser tests use (for docs/report.png).

usage: <venv>/bin/python screenshot.py FILE.html OUT.png [--width 1280]

Run it with the tests' venv (crates/report/tests/support/python-tools.sh
makes it; Selenium is pinned there) and Debian's chromium and
chromium-driver installed.
"""

import argparse
import pathlib

import browser


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("html")
    parser.add_argument("png")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    driver = browser.start(width=args.width, height=900)
    try:
        driver.get(pathlib.Path(args.html).resolve().as_uri())
        # Let the charts' first draw (a microtask after load) happen.
        driver.execute_async_script("var done = arguments[0]; setTimeout(done, 200);")
        pathlib.Path(args.png).write_bytes(browser.full_page_png(driver))
    finally:
        driver.quit()
    print(args.png)


if __name__ == "__main__":
    main()

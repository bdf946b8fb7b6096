#!/bin/sh
# Debian's chromium for the browser tests of `papermap serve` (tests/test_serve_browser.py), driven
# by Playwright for Python with executable_path=/usr/bin/chromium: Playwright's own browser download
# (`playwright install`) is never used. Installed from Debian when missing and we are root; otherwise
# the browser tests skip and say why. Never fails the test run.
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium from Debian for the browser tests (once)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
        || echo "could not install chromium: the browser tests will be skipped" >&2
else
    echo "no $CHROMIUM and not root: the browser tests will be skipped" >&2
fi
exit 0

#!/usr/bin/env bash
# Runs the browser tests (playwright.config.ts) in headless Chromium from the machine.
# Installs Debian's chromium package when it is missing and we may (root with apt-get);
# Playwright's own browser download cannot work on these machines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[e2e] installing Debian's chromium package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2
  else
    echo "[e2e] no Chromium at $CHROMIUM_PATH: install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
export CHROMIUM_PATH PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

rm -rf test-output/e2e
mkdir -p test-output/e2e/screenshots
yarn playwright test "$@"
echo "[e2e] screenshots: $(ls test-output/e2e/screenshots | tr '\n' ' ')"

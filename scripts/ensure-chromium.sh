#!/usr/bin/env bash
# The browser tests drive Debian's chromium package (Playwright's own browser download is not used).
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  exit 0
fi
cat >&2 <<MSG
The browser tests need Debian's chromium at $CHROMIUM.
Install it as root:   sudo apt-get install chromium
(or point CHROMIUM_PATH at a Chromium binary), then run make test again.
MSG
exit 1

#!/usr/bin/env bash
# The escalation documentation's PDF is made with WeasyPrint, which needs pango (with its
# harfbuzz, fontconfig and a font) from the system. Installed with apt-get when missing and root.
set -euo pipefail
PYTHON=${PYTHON:-.venv/bin/python}
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
works() {
  "$PYTHON" -c "import weasyprint; weasyprint.HTML(string='<p>x</p>').write_pdf()" >/dev/null 2>&1
}
if works; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the system libraries WeasyPrint needs for PDFs (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
  if works; then
    exit 0
  fi
fi
cat >&2 <<MSG
The escalation PDF needs WeasyPrint's system libraries (pango, harfbuzz, a font).
Install them as root:   sudo apt-get install $PACKAGES
(on other systems: https://doc.courtbouillon.org/weasyprint/stable/first_steps.html), then run
make again.
MSG
exit 1

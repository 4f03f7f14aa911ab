#!/usr/bin/env bash
# Serve Roundtable for local use: migrate, load the demo once, then run the web server and the
# background worker together. Ctrl-C stops both. Data stays in var/roundtable.sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-true}
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --if-empty -v0
$PY manage.py demo_logins

$PY manage.py db_worker --interval 1 &
WORKER=$!
cleanup() {
  trap - INT TERM EXIT
  kill "$WORKER" 2>/dev/null || true
  wait "$WORKER" 2>/dev/null || true
}
trap cleanup INT TERM EXIT

echo "Roundtable is on http://$HOST:$PORT/ (Ctrl-C stops the web server and the worker)"
$PY manage.py runserver "$HOST:$PORT" --noreload

#!/usr/bin/env bash
# Serve Roundtable for local use: migrate, load the demo once, then run the web server and the
# background worker together. Ctrl-C (or either process ending) stops both. Data stays in
# var/roundtable.sqlite3 unless DATABASE_URL says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-true}
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Links in emails, calendar feeds and .ics files follow the address served here (0.0.0.0 and ::
# listen everywhere, so links use localhost); SITE_URL set by hand wins.
case "$HOST" in 0.0.0.0 | "::" | "[::]") LINK_HOST=localhost ;; *) LINK_HOST=$HOST ;; esac
export SITE_URL=${SITE_URL:-http://$LINK_HOST:$PORT}
# A key of this installation's own, made on first start and kept (readable by its owner only),
# so that no two installations can forge each other's signed links; SECRET_KEY set by hand wins.
if [ -z "${SECRET_KEY:-}" ]; then
  SECRET_KEY_FILE=${SECRET_KEY_FILE:-var/secret_key}
  if [ ! -s "$SECRET_KEY_FILE" ]; then
    mkdir -p "$(dirname "$SECRET_KEY_FILE")"
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >"$SECRET_KEY_FILE")
  fi
  SECRET_KEY=$(cat "$SECRET_KEY_FILE")
  export SECRET_KEY
fi
# Likewise the key that encrypts private notes at rest (ENCRYPTION_KEYS set by hand wins).
if [ -z "${ENCRYPTION_KEYS:-}" ]; then
  ENCRYPTION_KEY_FILE=${ENCRYPTION_KEY_FILE:-var/encryption_key}
  if [ ! -s "$ENCRYPTION_KEY_FILE" ]; then
    mkdir -p "$(dirname "$ENCRYPTION_KEY_FILE")"
    # A Fernet key: 32 random bytes in URL-safe base64.
    (umask 077 && head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '\n' >"$ENCRYPTION_KEY_FILE")
  fi
  ENCRYPTION_KEYS=$(cat "$ENCRYPTION_KEY_FILE")
  export ENCRYPTION_KEYS
fi

$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --if-empty -v0
$PY manage.py demo_logins
$PY manage.py start_periodic_tasks -v0

PIDS=()
stop() {
  trap - INT TERM EXIT
  kill "${PIDS[@]}" 2>/dev/null || true
  wait "${PIDS[@]}" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

$PY manage.py db_worker --no-reload --interval 1 &
PIDS+=($!)
$PY manage.py runserver "$HOST:$PORT" --noreload &
PIDS+=($!)
echo "Roundtable is on $SITE_URL/ (Ctrl-C stops the web server and the worker)"
wait -n "${PIDS[@]}"

#!/usr/bin/env bash
# Serve Arki on 127.0.0.1:8000 together with the background task worker and the scheduler.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${VENV:-.venv}/bin/python
"$py" manage.py db_worker &
worker=$!
"$py" manage.py scheduler &
scheduler=$!
trap 'kill "$worker" "$scheduler" 2>/dev/null || true' EXIT INT TERM
echo "Arki: http://127.0.0.1:8000/  (stop with Ctrl+C)"
"$py" manage.py runserver 127.0.0.1:8000

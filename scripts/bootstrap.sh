#!/usr/bin/env bash
# Install what Arki needs on a Debian 12 machine: system packages, a virtual
# environment with the pinned Python packages, compiled translations.
# Usage: scripts/bootstrap.sh run|test|bench
#   run: run.lock; test: test.lock (run.lock's packages + the test tools); bench: bench.lock
#   (run.lock's packages + locust, for `make bench`; never installed by `make test`).
#   Each lock is complete and carries every package's sha256 hashes, so pip installs it with
#   --require-hashes (refreshing the locks: docs/operations.md, Dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}
venv=${VENV:-.venv}
case "$purpose" in
  run | test | bench) ;;
  *) echo "usage: scripts/bootstrap.sh run|test|bench" >&2; exit 2 ;;
esac

# xmlsec1 signs and checks Suomi.fi's SAML messages (pysaml2 calls the binary; docs/suomifi.md).
system_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core xmlsec1)
if [ "$purpose" = test ]; then
  # Debian's Chromium for the browser journeys; gettext for the catalogue check; poppler for PDF text.
  system_packages+=(chromium gettext poppler-utils)
fi

missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
python=${PYTHON:-python3}
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Arki needs Python 3.11 or newer")'

lock=requirements/$purpose.lock
stamp="$venv/.installed-$purpose-$(sha256sum requirements/*.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  # pip itself first, on its own: it is not pinned, so it stays outside --require-hashes.
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi
DJANGO_SETTINGS_MODULE=arki.settings "$venv/bin/python" manage.py compile_translations

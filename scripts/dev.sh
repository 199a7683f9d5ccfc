#!/usr/bin/env bash
# Set up the project and build the site, or set up and run the whole test suite.
#   bash scripts/dev.sh site   -> .venv with pinned dependencies, then `bds build` into site/
#   bash scripts/dev.sh test   -> the same set-up plus Chromium, then pytest (all tests, browser ones included)
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 PIP_DISABLE_PIP_VERSION_CHECK=1

setup_python() {
  if [ ! -x .venv/bin/python ]; then
    python3.11 -m venv .venv
  fi
  # Every package, the build backend (setuptools) included, is checked against the lock's hashes; the
  # project itself is then installed from this folder with that backend: no other download, no isolation.
  .venv/bin/pip install --quiet --require-hashes -r scripts/requirements.lock
  .venv/bin/pip install --quiet --no-deps --no-build-isolation -e .
}

setup_system() {
  # Browser tests drive Debian's Chromium; PDF reports need pango. Installed only when missing.
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  ldconfig -p 2>/dev/null | grep -q libpangoft2 || missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
  fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "Mancano pacchetti di sistema: ${missing[*]}. Installali con: sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
}

setup_html_checker() {
  # The W3C Nu Html Checker (vnu.jar, from npm, pinned) for tests/test_html_validator.py; it needs Java.
  # Without Java or npm the test says so and is skipped.
  if command -v java >/dev/null && command -v npm >/dev/null && [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
    npm install --no-save --no-audit --no-fund --silent vnu-jar@26.9.27 >/dev/null 2>&1 \
      || echo "Nu Html Checker non installato: il test relativo sarà saltato" >&2
  fi
}

case "${1:-}" in
  site)
    setup_python
    shift
    .venv/bin/bds build "$@"
    ;;
  test)
    setup_system
    setup_python
    setup_html_checker
    shift
    .venv/bin/pytest "$@"
    ;;
  *)
    echo "uso: bash scripts/dev.sh site|test [opzioni]" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Regenerate scripts/requirements.lock from pyproject.toml: every package of the project, of the `test`
# extra and of the build backend ([build-system] requires) pinned to one version with the sha256 of each
# of its files on PyPI, so that `pip install --require-hashes -r scripts/requirements.lock` installs
# exactly what was reviewed.
#
#   bash scripts/lock.sh            -> keeps the versions already in the lock, adds/removes what changed
#   bash scripts/lock.sh --upgrade  -> moves every package to its newest version allowed by pyproject.toml
#
# The resolver is uv (`uv pip compile`), installed with its own hashes (scripts/lock-tools.txt) in a
# throw-away environment: one self-contained binary, independent of the pip version in use, that reads
# the versions already in the output file as preferences and resolves for every platform at once
# (--universal: markers instead of a Linux-only lock).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}

tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
"$PYTHON" -m venv "$tools/venv"
"$tools/venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r scripts/lock-tools.txt

# The build backend, read from pyproject.toml, is locked like any other package.
"$PYTHON" - >"$tools/build.in" <<'PY'
import tomllib

with open("pyproject.toml", "rb") as fh:
    print("\n".join(tomllib.load(fh)["build-system"]["requires"]))
PY

# requires-python is >=3.11; the dependencies need 3.11.5 or later, so resolve for that.
"$tools/venv/bin/uv" pip compile pyproject.toml - \
  --extra test \
  --generate-hashes \
  --universal \
  --python-version 3.11.5 \
  --custom-compile-command "bash scripts/lock.sh" \
  --quiet \
  --output-file scripts/requirements.lock \
  "$@" <"$tools/build.in"
echo "scripts/requirements.lock aggiornato: $(grep -c '^[A-Za-z]' scripts/requirements.lock) pacchetti."

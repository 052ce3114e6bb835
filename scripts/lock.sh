#!/usr/bin/env bash
# Regenerate requirements.lock from pyproject.toml: every package, transitive ones
# included, at one version with the hashes of its files. Run after changing a
# dependency in pyproject.toml, then commit both files.
#   bash scripts/lock.sh            keep versions that still satisfy pyproject.toml
#   bash scripts/lock.sh --upgrade  take the newest versions allowed
set -euo pipefail
cd "$(dirname "$0")/.."
tools=".venv-lock"
[ -x "$tools/bin/uv" ] || { python3 -m venv "$tools" && "$tools/bin/pip" install -q uv==0.13.9; }
# The build backend is locked too: setup installs the project without build isolation,
# so nothing is fetched unpinned.
printf 'setuptools>=69\nwheel\n' > "$tools/build-backend.in"
"$tools/bin/uv" pip compile pyproject.toml "$tools/build-backend.in" --universal --python-version 3.11 \
  --extra test --extra browser --extra lint --extra bench \
  --generate-hashes --no-header --quiet --output-file requirements.lock "$@"
# The lock is for this project's own environment; the project itself is installed
# from the working tree (pip install --no-deps -e .), so it is not in the lock.
echo "lock: requirements.lock written ($(grep -c '==' requirements.lock) packages)"

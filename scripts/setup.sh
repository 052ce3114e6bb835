#!/usr/bin/env bash
# One script, two jobs, both idempotent (what is already there is skipped):
#   bash scripts/setup.sh demo   set everything up, then build the demo content
#   bash scripts/setup.sh test   set everything up, then run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."

job="${1:-demo}"
shift || true

# System packages: ffmpeg for media, a CJK and an emoji font and Pango/HarfBuzz for
# WeasyPrint, poppler-utils for pdffonts/pdftoppm, Chromium for the browser tests.
PACKAGES=(ffmpeg fonts-noto-cjk fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0
          libharfbuzz-subset0 poppler-utils chromium)
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  PACKAGES+=(python3 python3-venv)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The virtual environment, from requirements.lock (every package pinned with its
# hashes; `bash scripts/lock.sh` regenerates it), reinstalled only when the lock or
# pyproject.toml changes.
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
stamp=".venv/.portfolio-installed"
want="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi

case "$job" in
  demo)
    # Offline: the demo must not depend on the internet (links are reported unchecked).
    .venv/bin/portfolio build content --offline "$@"
    echo "demo: open output/index.html (or run .venv/bin/portfolio serve content)"
    ;;
  test)
    .venv/bin/ruff check .
    .venv/bin/lint-imports
    .venv/bin/mypy
    # -n auto: one worker per core; slow media tests spread across them.
    .venv/bin/python -m pytest -n auto "$@"
    ;;
  *)
    echo "usage: bash scripts/setup.sh demo|test [args…]" >&2
    exit 2
    ;;
esac

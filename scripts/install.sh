#!/usr/bin/env bash
# Install Puhui into ./.venv. Usage: scripts/install.sh [serve|test]
#   serve: the runtime only.  test: + test tools, torch (CPU) for the sentence-transformers provider,
#   and (as root, via apt) Chromium + a CJK font for the real-browser UI tests.
# torch is pinned to the CPU build 2.13.0 and installed first, so nothing pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-serve}"
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$mode" = "test" ]; then
  .venv/bin/pip install -q "torch==2.13.0"
  .venv/bin/pip install -q -e ".[test]"
  if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei) >/dev/null
  fi
  # PostgreSQL 15 for the Postgres back-end tests (tests/integration/postgres.py starts it on 127.0.0.1
  # under a temp data dir; the Debian package's own cluster is not used)
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null
  fi
else
  .venv/bin/pip install -q -e .
fi

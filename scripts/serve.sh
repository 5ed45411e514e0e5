#!/usr/bin/env bash
# One command on a fresh machine: install, build the knowledge base if missing, start API + workbench.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh serve
exec .venv/bin/puhui serve "$@"

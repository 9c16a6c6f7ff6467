#!/usr/bin/env bash
# Set up (once) and start the dashboard on the bundled sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
exec .venv/bin/python -m streamlit run dashboard/serve.py --server.address 127.0.0.1 "$@"

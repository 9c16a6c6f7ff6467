#!/usr/bin/env bash
# Set up (the first time, and again only when the requirements change) and start the dashboard on
# the bundled sample data.
#
#   bash scripts/run.sh                          this computer only: http://127.0.0.1:8501
#   bash scripts/run.sh --server.port 8600       another port
#
# The meeting-room screen on the local network (every laptop in the room opens the same address):
#
#   PERFEVAL_AUTH=local bash scripts/run.sh --server.address 0.0.0.0
#
# then open http://<this computer's address>:8501 on the screen. With sign-in on, create the users
# first (python -m perfeval_core users add NAME --role viewer|editor|admin); see README, Security.
# Streamlit options (any --server.* / --browser.* flag) pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.requirements.sha256
wanted=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "Installing requirements (first run, or requirements.txt changed)…"
    .venv/bin/pip install -q -r requirements.txt
    echo "$wanted" > "$stamp"
fi

address=127.0.0.1
port=8501
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
        --server.address) address="${args[$((i + 1))]:-$address}" ;;
        --server.address=*) address="${args[$i]#*=}" ;;
        --server.port) port="${args[$((i + 1))]:-$port}" ;;
        --server.port=*) port="${args[$i]#*=}" ;;
    esac
done
if [ "$address" = "0.0.0.0" ]; then
    lan=$(hostname -I 2>/dev/null | awk '{print $1}')
    echo "perfeval: http://${lan:-ADDRESS}:${port}  (on the local network; sign-in: ${PERFEVAL_AUTH:-off})"
    [ "${PERFEVAL_AUTH:-off}" = "off" ] && echo "  Warning: sign-in is off; anyone on the network can open and upload. Set PERFEVAL_AUTH=local."
else
    echo "perfeval: http://${address}:${port}"
fi
exec .venv/bin/python -m streamlit run dashboard/serve.py --server.address 127.0.0.1 --server.port 8501 \
    --browser.gatherUsageStats false "$@"

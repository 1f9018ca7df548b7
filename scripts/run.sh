#!/usr/bin/env bash
# Starts the action server, then the Rasa server (`serve`) or `rasa shell` (`shell`).
# Ctrl-C stops both.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mode="${1:-serve}"

action_pid=""
web_pid=""
cleanup() {
  for pid in "$web_pid" "$action_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT INT TERM

echo "==> Starting the action server on port $ACTION_PORT (log: $LOG_DIR/actions.log)"
"$VENV/bin/rasa" run actions --actions actions --port "$ACTION_PORT" \
  >>"$LOG_DIR/actions.log" 2>&1 &
action_pid=$!

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$action_pid" 2>/dev/null; then
    echo "ERROR: the action server stopped; see $LOG_DIR/actions.log" >&2
    exit 1
  fi
  sleep 0.5
done

case "$mode" in
  serve)
    "$VENV/bin/python" scripts/serve_web.py >>"$LOG_DIR/web.log" 2>&1 &
    web_pid=$!
    echo "==> Demo page with the chat widget: http://localhost:$WEB_PORT/"
    echo "==> Starting the assistant on port $RASA_PORT (about a minute to load the model)"
    echo "    Talk to it once it says 'Rasa server is up and running':"
    echo "      curl -s -XPOST http://localhost:$RASA_PORT/webhooks/rest/webhook \\"
    echo "        -H 'Content-Type: application/json' -d '{\"sender\": \"moi\", \"message\": \"bonjour\"}'"
    echo "    Ctrl-C stops everything."
    "$VENV/bin/rasa" run --model "$MODEL_PATH" --port "$RASA_PORT" \
      --credentials credentials.yml --endpoints endpoints.yml \
      --log-file "$LOG_DIR/rasa.log" --cors $CORS_ORIGINS
    ;;
  shell)
    echo "==> Opening rasa shell (type /stop to quit)"
    "$VENV/bin/rasa" shell --model "$MODEL_PATH" --endpoints endpoints.yml \
      --log-file "$LOG_DIR/rasa.log"
    ;;
  *)
    echo "usage: $0 serve|shell" >&2
    exit 2
    ;;
esac

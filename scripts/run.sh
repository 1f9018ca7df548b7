#!/usr/bin/env bash
# Starts the action server, then the Rasa server and the demo page (`serve`) or
# `rasa shell` (`shell`). Ctrl-C, closing the terminal (SIGHUP) or SIGTERM stops them all;
# if one of them stops, the others are stopped too. Every server also dies with this
# script (scripts/launch.py), so nothing is left listening even if it is killed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
mode="${1:-serve}"
case "$mode" in serve | shell) ;; *) echo "usage: $0 serve|shell" >&2; exit 2 ;; esac

ports=("$ACTION_HOST:$ACTION_PORT" "$RASA_HOST:$RASA_PORT")
[ "$mode" = serve ] && ports+=("${WEB_HOST:-127.0.0.1}:$WEB_PORT")
"$VENV/bin/python" scripts/ports.py "${ports[@]}" || exit 1

# Known third-party deprecation warnings are not shown here (they are in the tests).
export QUIET_WARNINGS="${QUIET_WARNINGS:-1}"
launch=("$VENV/bin/python" "$ROOT/scripts/launch.py")
children=()

stop_all() {
  trap - EXIT HUP INT TERM
  local pid
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${children[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.2
  done
  for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap 'stop_all; exit 129' HUP
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

echo "==> Starting the action server on $ACTION_HOST:$ACTION_PORT (log: $LOG_DIR/actions.log)"
"${launch[@]}" -m actions.server >>"$LOG_DIR/actions.log" 2>&1 &
children+=($!)
# CORS_ORIGINS is a space-separated list; "*" must stay "*" (no file-name expansion).
set -f
# shellcheck disable=SC2206
origins=($CORS_ORIGINS)
set +f

if [ "$mode" = serve ]; then
  "${launch[@]}" scripts/serve_web.py >>"$LOG_DIR/web.log" 2>&1 &
  children+=($!)
  echo "==> Demo page with the chat widget: http://localhost:$WEB_PORT/"
  echo "==> Starting the assistant on $RASA_HOST:$RASA_PORT (about a minute to load the model)"
  echo "    Talk to it once it says 'Rasa server is up and running':"
  echo "      curl -s -XPOST http://localhost:$RASA_PORT/webhooks/rest/webhook \\"
  echo "        -H 'Content-Type: application/json' \\"
  echo "        -d '{\"sender\": \"ma-conversation-0001\", \"message\": \"bonjour\"}'"
  echo "    Ctrl-C stops everything."
  "${launch[@]}" rasa run --model "$MODEL_PATH" --interface "$RASA_HOST" --port "$RASA_PORT" \
    --credentials credentials.yml --endpoints endpoints.yml \
    --log-file "$LOG_DIR/rasa.log" --cors "${origins[@]}" &
  children+=($!)
else
  echo "==> Opening rasa shell (type /stop to quit)"
  # A command started with & reads /dev/null unless told otherwise: give it the terminal.
  exec 3<&0
  "${launch[@]}" rasa shell --model "$MODEL_PATH" --interface "$RASA_HOST" \
    --port "$RASA_PORT" --endpoints endpoints.yml --log-file "$LOG_DIR/rasa.log" <&3 &
  children+=($!)
fi

# Both servers load at once: the action server its content (about 5 s), Rasa its model
# (about 12 s), so Rasa normally listens after the action server answers (a message
# before that gets the technical apology, test_faults.py): 13.4 to 16.5 s to the first
# answer instead of 16.0 to 17.0 one after the other (bench/first_answer.sh).
# An action server that does not come up stops everything, as before.
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "${children[0]}" 2>/dev/null; then
    echo "ERROR: the action server stopped; see $LOG_DIR/actions.log" >&2
    tail -5 "$LOG_DIR/actions.log" >&2 || true
    exit 1
  fi
  sleep 0.5
done

# Wait until one of them stops (or a signal comes: the traps above stop everything).
# A signal ignored when this script starts (`nohup make run`) cannot be trapped: then
# closing the terminal leaves everything running, as nohup means.
status=0
wait -n "${children[@]}" || status=$?
if [ "$mode" = serve ] || [ "$status" -ne 0 ]; then
  echo "ERROR: a server stopped (exit status $status); stopping the others. Logs: $LOG_DIR" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"

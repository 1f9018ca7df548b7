#!/usr/bin/env bash
# Measures the wall time from `make run` to the first answer on the REST channel.
# Usage: bench/first_answer.sh  (the model should already be trained: this times start-up)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${RASA_PORT:-5005}"
log="$(mktemp)"
# A conversation's id must be 16 to 128 characters drawn at random (addons/rest_channel.py).
sender="first-answer-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
start=$(date +%s.%N)
setsid make run >"$log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log" "$log.reply"' EXIT
for _ in $(seq 1 600); do
  # Not listening yet: curl fails and we try again. A refusal (4xx) is not a slow start.
  if code=$(curl -sS -o "$log.reply" -w '%{http_code}' -XPOST \
      "http://127.0.0.1:$port/webhooks/rest/webhook" -H 'Content-Type: application/json' \
      -d "{\"sender\": \"$sender\", \"message\": \"bonjour\"}" 2>/dev/null); then
    if [ "$code" != 200 ]; then
      echo "the server refused the message (HTTP $code): $(cat "$log.reply")" >&2
      exit 1
    fi
    if [ "$(cat "$log.reply")" != "[]" ]; then
      end=$(date +%s.%N)
      awk -v a="$start" -v b="$end" 'BEGIN { printf "make run -> first answer: %.1f s\n", b - a }'
      exit 0
    fi
  fi
  sleep 0.5
done
echo "no answer after 300 s; log:" >&2
tail -20 "$log" >&2
exit 1

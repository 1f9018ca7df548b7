#!/usr/bin/env bash
# Measures the wall time from `make run` to the first answer on the REST channel.
# Usage: bench/first_answer.sh  (the model should already be trained: this times start-up)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${RASA_PORT:-5005}"
log="$(mktemp)"
start=$(date +%s.%N)
setsid make run >"$log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
  if reply=$(curl -fsS -XPOST "http://127.0.0.1:$port/webhooks/rest/webhook" \
      -H 'Content-Type: application/json' -d '{"sender": "bench", "message": "bonjour"}' 2>/dev/null) \
      && [ "$reply" != "[]" ]; then
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "make run -> first answer: %.1f s\n", b - a }'
    exit 0
  fi
  sleep 0.5
done
echo "no answer after 300 s; log:" >&2
tail -20 "$log" >&2
exit 1

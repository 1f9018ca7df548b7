#!/usr/bin/env bash
# `make run-scaled`: the assistant on this machine's PostgreSQL and Redis, with several
# Sanic workers (Rasa allows them only with a Redis lock store). Every setting can be
# overridden from the environment, like for `make run`.
set -euo pipefail
export PG_URL="${PG_URL:-postgresql://postgres@127.0.0.1:5432/test}"
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-$PG_URL}"
export DATABASE_URL="${DATABASE_URL:-$PG_URL}"
export LOCK_STORE_TYPE=redis
export SANIC_WORKERS="${SANIC_WORKERS:-2}"
# Several hosts share one secret between Rasa and the action servers: set
# ACTION_SERVER_TOKEN to the same value on every host (docs/deployment.md). Unset, env.sh
# draws one for this machine alone.
token_given="${ACTION_SERVER_TOKEN:+yes}"
source "$(dirname "$0")/env.sh"
echo "==> Scaled set-up: $SANIC_WORKERS Sanic workers, conversations in $TRACKER_STORE_URL,"
echo "    locks in redis://$REDIS_HOST:$REDIS_PORT/$REDIS_LOCK_DB, knowledge and agenda in $DATABASE_URL"
if [ -z "$token_given" ]; then
  echo "    ACTION_SERVER_TOKEN: a random one for this machine only; for several hosts, set the"
  echo "    same value everywhere (openssl rand -hex 32), see docs/deployment.md"
fi
"$VENV/bin/python" -m secu.knowledge.loader
"$VENV/bin/python" -m secu.agenda.setup
exec "$(dirname "$0")/run.sh" serve

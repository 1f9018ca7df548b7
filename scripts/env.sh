# Defaults for every setting of the two servers; sourced by the other scripts.
# Override any of them from the environment (e.g. RASA_PORT=5006 make run).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export VENV="${VENV:-$ROOT/.venv}"
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
# Where the servers listen: this machine only, unless told otherwise (docs/deployment.md).
# RASA_HOST=0.0.0.0 exposes the REST channel (behind a reverse proxy); the action server
# must stay on a private network whatever happens.
export RASA_HOST="${RASA_HOST:-127.0.0.1}"
export ACTION_HOST="${ACTION_HOST:-127.0.0.1}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
# The secret Rasa shows the action server (endpoints.yml); a new random one for each start
# when unset. Several hosts must share one: set it yourself (docs/deployment.md).
if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
  ACTION_SERVER_TOKEN="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
fi
export ACTION_SERVER_TOKEN
export VAR_DIR="${VAR_DIR:-$ROOT/var}"
export TRACKER_DB="${TRACKER_DB:-$VAR_DIR/tracker.db}"
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-sqlite:///$TRACKER_DB}"
export LOCK_STORE_TYPE="${LOCK_STORE_TYPE:-in_memory}"
# "redis" means our atomic Redis lock store: Rasa's own lets two processes take the same
# ticket (addons/lock_store.py).
case "$LOCK_STORE_TYPE" in
  redis) export LOCK_STORE="addons.lock_store.AtomicRedisLockStore" ;;
  *) export LOCK_STORE="$LOCK_STORE_TYPE" ;;
esac
export REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
export REDIS_PORT="${REDIS_PORT:-6379}"
export REDIS_LOCK_DB="${REDIS_LOCK_DB:-1}"
export MODEL_PATH="${MODEL_PATH:-$ROOT/models/current.tar.gz}"
export LOG_DIR="${LOG_DIR:-$VAR_DIR/log}"
export LOG_LEVEL="${LOG_LEVEL:-INFO}"
# The demo page with the chat widget, and the origins the REST channel accepts (CORS).
export WEB_PORT="${WEB_PORT:-8080}"
export RASA_PUBLIC_URL="${RASA_PUBLIC_URL:-http://localhost:$RASA_PORT}"
export CORS_ORIGINS="${CORS_ORIGINS:-http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
# NumPy's OpenBLAS on this processor's own vector kernels, not on the generic ones it
# falls back to for a processor model it does not know (addons/blas_kernels.py).
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -x "$VENV/bin/python" ]; then
  OPENBLAS_CORETYPE="$("$VENV/bin/python" -m addons.blas_kernels 2>/dev/null || true)"
  if [ -n "$OPENBLAS_CORETYPE" ]; then export OPENBLAS_CORETYPE; else unset OPENBLAS_CORETYPE; fi
fi
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p "$VAR_DIR" "$LOG_DIR"

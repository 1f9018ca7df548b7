#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter, or explains how to get one.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=(python3.10)
for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin; do candidates+=("$d/python3.10"); done
candidates+=(/usr/local/bin/python3.10 /usr/bin/python3.10)
for c in "${candidates[@]}"; do
  if out=$("$c" -c 'import sys, venv; print(sys.executable if sys.version_info[:2] == (3, 10) else "")' 2>/dev/null) && [ -n "$out" ]; then
    echo "$out"
    exit 0
  fi
done
cat >&2 <<'MSG'
ERROR: Python 3.10 is required (Rasa Open Source 3.6 does not run on 3.11+), and none was found.
Fix, one of:
  - pyenv install 3.10 (then run make again), or
  - apt-get install python3.10 python3.10-venv (where your distribution has it), or
  - point to an interpreter: make PYTHON=/path/to/python3.10 ...
MSG
exit 1

#!/usr/bin/env bash
# Trains the model only when what it is trained from changed: a fingerprint of the
# config, domain, training data, custom components and locked dependencies (content,
# not file dates, so a checkout or a copy does not fool it; the lock's pins only, not
# its "# via" comments, which change when a dependency is declared directly).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
inputs=(config.yml domain.yml)
while IFS= read -r file; do inputs+=("$file"); done < <(
  find data/nlu data/rules data/stories addons -type f \( -name '*.yml' -o -name '*.py' \) | sort)
pins=$(grep -Ev '^[[:space:]]*#' requirements.lock | sha256sum | cut -d' ' -f1)
fingerprint=$({ sha256sum "${inputs[@]}"; echo "$pins  requirements.lock pins"; } | sha256sum | cut -d' ' -f1)
stamp="${MODEL_PATH%.tar.gz}.fingerprint"
if [ -f "$MODEL_PATH" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
  echo "==> Model up to date ($MODEL_PATH)"
  exit 0
fi
# Rasa's training cache reuses a component's output when its config and inputs did not
# change, even when the code that trains it did (addons/): one cache per version of our
# components' code and of the pins, the others removed.
code=$({ find addons -type f -name '*.py' | sort | xargs sha256sum; echo "$pins"; } | sha256sum | cut -c1-16)
cache_root="$ROOT/.rasa/cache"
mkdir -p "$cache_root"
find "$cache_root" -mindepth 1 -maxdepth 1 ! -name "code-$code" -exec rm -rf {} +
export RASA_CACHE_DIRECTORY="$cache_root/code-$code"
echo "==> Training the model (data, config or components changed; 5 to 15 minutes on 2 cores)"
start=$(date +%s)
# Rasa's command line with spaCy as the server loads it (scripts/rasa_train.py)
"$VENV/bin/python" scripts/rasa_train.py train --fixed-model-name "$(basename "$MODEL_PATH" .tar.gz)" \
  --out "$(dirname "$MODEL_PATH")" --num-threads 2 --data data/nlu data/rules data/stories
echo "$fingerprint" >"$stamp"
echo "==> Model trained in $(( $(date +%s) - start )) s"

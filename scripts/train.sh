#!/usr/bin/env bash
# Trains the model only when what it is trained from changed: a fingerprint of the
# config, domain, training data, custom components and locked dependencies (content,
# not file dates, so a checkout or a copy does not fool it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
inputs=(config.yml domain.yml requirements.lock)
while IFS= read -r file; do inputs+=("$file"); done < <(
  find data/nlu data/rules data/stories addons -type f \( -name '*.yml' -o -name '*.py' \) | sort)
fingerprint=$(sha256sum "${inputs[@]}" | sha256sum | cut -d' ' -f1)
stamp="${MODEL_PATH%.tar.gz}.fingerprint"
if [ -f "$MODEL_PATH" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
  echo "==> Model up to date ($MODEL_PATH)"
  exit 0
fi
echo "==> Training the model (data, config or components changed; about 3 to 4 minutes)"
start=$(date +%s)
"$VENV/bin/rasa" train --fixed-model-name "$(basename "$MODEL_PATH" .tar.gz)" \
  --out "$(dirname "$MODEL_PATH")" --num-threads 2 --data data/nlu data/rules data/stories
echo "$fingerprint" >"$stamp"
echo "==> Model trained in $(( $(date +%s) - start )) s"

#!/usr/bin/env bash
# Every check, in the order a failure is cheapest to find. Called by `make test`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
RESULTS="${RESULTS_DIR:-$ROOT/results}"
mkdir -p "$RESULTS"
DATA_ARGS=(--data data/nlu data/rules data/stories)
step() { printf '\n==> %s\n' "$*"; }

step "Lint (ruff)"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .

step "Training data and domain are consistent (rasa data validate)"
"$VENV/bin/rasa" data validate --fail-on-warnings --domain domain.yml "${DATA_ARGS[@]}" \
  --config config.yml >"$RESULTS/validate.log" 2>&1 || { tail -30 "$RESULTS/validate.log"; exit 1; }
# Rasa's exit code ignores some of its own warnings: any UserWarning fails the check.
if grep -E "UserWarning|MissingDependencyException" "$RESULTS/validate.log"; then exit 1; fi
grep -E "No story structure conflicts" "$RESULTS/validate.log"

step "Unit and action tests, and the doctests of the domain package, the Rasa add-ons, the benchmarks and the NLU gates (pytest)"
"$VENV/bin/pytest" tests/unit secu addons bench scripts/check_nlu_split.py scripts/nlu_gate.py \
  scripts/search_gate.py --doctest-modules -q -p no:cacheprovider

# Held-out sets: tests/nlu (written with the training data) and tests/nlu_real (messages as
# people write them in forums and SMS), never trained on: macro intent F1 at least 0.95 and
# 0.90 (issue #14), the fallback counted as a miss; every intent at least 0.80 over the two
# French sets together (an intent has 6 to 18 messages in tests/nlu_real: on one set, that
# floor failed two trainings in three that differed only by their seed; issue #17).
# tests/nlu_en: English as expats write it (issue #15), never trained on: macro F1 at
# least 0.90 (each intent's F1 is reported, not gated: 11 messages per intent on average).
NLU_SETS=(--set "held_out=tests/nlu:${MIN_INTENT_F1:=0.95}:0"
  --set "realistic=tests/nlu_real:${MIN_REALISTIC_F1:=0.90}:0"
  --set "english=tests/nlu_en:${MIN_ENGLISH_F1:=0.90}:0"
  --pool "french=held_out+realistic:0.80")
HELD_OUT=(tests/nlu tests/nlu_real:6 tests/nlu_en:6)

step "The held-out NLU sets hold no copy or near-copy (80 % of the words) of a training example"
"$VENV/bin/python" scripts/check_nlu_split.py data/nlu "${HELD_OUT[@]}" 2>/dev/null

step "NLU on the held-out sets, parsed as in production: the fallback counts as a miss"
"$VENV/bin/python" scripts/nlu_gate.py --model "$MODEL_PATH" --out "$RESULTS/nlu" \
  "${NLU_SETS[@]}" 2>"$RESULTS/nlu_gate.log" || { tail -5 "$RESULTS/nlu_gate.log"; exit 1; }

step "When the NLU is unsure, the content search offers the right topic (>= 80 % of the misses)"
"$VENV/bin/python" scripts/search_gate.py --model "$MODEL_PATH" --out "$RESULTS/search" \
  --set held_out=tests/nlu:0.80 --set realistic=tests/nlu_real:0.80 \
  2>"$RESULTS/search_gate.log" || { tail -5 "$RESULTS/search_gate.log"; exit 1; }

step "Conversation tests (rasa test core --fail-on-prediction-errors)"
"$VENV/bin/rasa" test core --model "$MODEL_PATH" --stories tests/conversations \
  --out "$RESULTS/core" --fail-on-prediction-errors --no-plot \
  >"$RESULTS/core.log" 2>&1 || { tail -60 "$RESULTS/core.log"; cat "$RESULTS/core/failed_test_stories.yml" 2>/dev/null | head -80; exit 1; }
grep -E "Finished collecting predictions|Correct:|Accuracy" "$RESULTS/core.log" | tail -3 || true

step "Chat widget size (web/widget.js, at most 25 KB gzipped)"
raw=$(wc -c <web/widget.js); gz=$(gzip -9 -c web/widget.js | wc -c)
echo "web/widget.js: $raw bytes, $gz bytes gzipped"
[ "$gz" -le 25600 ]

step "Integration and browser tests (real servers over REST; the widget in Chromium, axe-core)"
"$VENV/bin/pytest" tests/integration -q -p no:cacheprovider

# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
BIN       := $(VENV)/bin
UV_VERSION := 0.13.9
MODEL_DIR ?= models
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2


.PHONY: soak profile bench-training bench-training-floor bench-gates help install train db bench run run-scaled shell test lint format clean purge erase browser web-deps review

help:
	@echo "make run    - set everything up, then start the assistant (demo page :8080, REST :5005, actions :5055)"
	@echo "make shell  - set everything up, then talk to the assistant in the terminal (rasa shell)"
	@echo "make run-scaled [SANIC_WORKERS=2] - the same on this machine's PostgreSQL and Redis"
	@echo "make test   - set everything up, then run every check"
	@echo "make bench | soak | profile - performance: side by side with stock Rasa, 10-minute load, cProfile"
	@echo "make bench-training [EPOCHS=4] - DIET's training, Rasa's way and with our options"
	@echo "make bench-training-floor [DIET_SECONDS=n] - the least time DIET's training can take here"
	@echo "make bench-gates [SEEDS=\"42 1 2\"] [EPOCHS=n] [DIET='{json}'] - the NLU gates over trainings that differ only by their seed"
	@echo "make install | train | db (knowledge base) | lint | format | clean"
	@echo "make purge [DAYS=30] | erase SENDER=<id>  - retention and erasure of conversations"
	@echo "make review - the review site of the conversations for the content's maintainers (:8090, REVIEW_TOKEN)"

$(VENV)/.installed: requirements.lock scripts/find-python310.sh
	@echo "==> Creating the virtual environment with Python 3.10"
	@py=$$(scripts/find-python310.sh) || exit 1; \
	  [ -x $(BIN)/python ] || "$$py" -m venv $(VENV)
	@echo "==> Installing uv $(UV_VERSION) (fast installer)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@echo "==> Installing the locked dependencies (a few minutes the first time)"
	@$(BIN)/uv pip sync --python $(BIN)/python requirements.lock
	@touch $@

# Bytecode of every installed module, written once: without it each start of a server
# or a tool compiles TensorFlow's, Rasa's and spaCy's sources again (8 of the 12 s of
# imports of the Rasa server; nothing is written back where PYTHONDONTWRITEBYTECODE is
# set, as on the reference machine). A file that does not compile (a package's test
# data in Python 2) is left to Python, as before. spaCy's French tokenizer pattern
# (1.45 million characters, 2.7 s to compile) is compiled once too (addons/regex_cache.py).
$(VENV)/.bytecode: $(VENV)/.installed
	@echo "==> Compiling the dependencies to bytecode (faster starts; once)"
	@$(BIN)/python -m compileall -q -j 0 $(VENV)/lib/python3.10/site-packages >/dev/null 2>&1 || true
	@$(BIN)/python -m addons.regex_cache
	@touch $@

install: $(VENV)/.installed $(VENV)/.bytecode web/node_modules/.installed

# Test tools of the widget (axe-core), from the npm registry, as locked.
web/node_modules/.installed: web/package.json web/package-lock.json
	@echo "==> Installing the widget's test tools (npm ci)"
	@npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

web-deps: web/node_modules/.installed

# Debian's Chromium for the browser tests (Playwright drives it; it downloads nothing).
browser:
	@scripts/ensure-chromium.sh

train: $(VENV)/.bytecode
	@scripts/train.sh

db: $(VENV)/.bytecode
	@$(BIN)/python -m secu.knowledge.loader
	@$(BIN)/python -m secu.agenda.setup

run: train db
	@scripts/run.sh serve

# Our assistant and stock Rasa side by side (bench/bench_turns.py; 4 minutes, and 17 more
# when the stock model must be trained first: bench/stock.py).
bench: train db
	@source scripts/env.sh && $(BIN)/python bench/bench_turns.py --variants $${BENCH_VARIANTS:-ours,stock,ours-2w} $${BENCH_TURNS:+--turns $$BENCH_TURNS}

# 20 conversations at once for 10 minutes; every turn answered and stored (bench/soak.py).
soak: train db
	@source scripts/env.sh && $(BIN)/python bench/soak.py --seconds $${SOAK_SECONDS:-600}

# Where the time of a turn and of a cold start goes (cProfile, bench/profile.md).
profile: train db
	@source scripts/env.sh && $(BIN)/python bench/profile_turns.py --turns $${PROFILE_TURNS:-500}

# DIET's training time, Rasa's way and with addons/fast_training.py (about 15 minutes).
bench-training: $(VENV)/.bytecode
	@source scripts/env.sh && $(BIN)/python bench/bench_training.py --epochs $${EPOCHS:-4}

# The least time DIET's training could take here: its matrix products at the best rate.
bench-training-floor: $(VENV)/.bytecode
	@source scripts/env.sh && $(BIN)/python bench/training_floor.py $${DIET_SECONDS:+--diet-seconds $$DIET_SECONDS}

# The NLU gates over trainings that differ only by DIET's seed (about 10 minutes a seed).
bench-gates: $(VENV)/.bytecode
	@source scripts/env.sh && $(BIN)/python bench/bench_gates.py --seeds "$${SEEDS:-42 1 2}" --epochs $${EPOCHS:-0} --diet "$${DIET:-{\}}"

# The same on PostgreSQL and Redis with SANIC_WORKERS workers (docs/deployment.md).
run-scaled: train
	@scripts/run-scaled.sh

shell: train db
	@scripts/run.sh shell

# The review site (review/): what people ask, what the assistant misses, annotations.
review: db
	@source scripts/env.sh && $(BIN)/python -m review

lint: $(VENV)/.installed
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: $(VENV)/.installed
	@$(BIN)/ruff check --fix .
	@$(BIN)/ruff format .

test: train db web-deps browser
	@scripts/test.sh

clean:
	rm -rf $(VENV) $(MODEL_DIR) .rasa var results .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

purge: $(VENV)/.installed
	@source scripts/env.sh && $(BIN)/python -m addons.retention purge $(if $(DAYS),--days $(DAYS))

erase: $(VENV)/.installed
	@test -n "$(SENDER)" || { echo "usage: make erase SENDER=<conversation id>" >&2; exit 2; }
	@source scripts/env.sh && $(BIN)/python -m addons.retention erase "$(SENDER)"

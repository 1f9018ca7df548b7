# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
BIN       := $(VENV)/bin
UV_VERSION := 0.13.9
MODEL_DIR ?= models
MODEL     := $(MODEL_DIR)/current.tar.gz
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2

TRAIN_INPUTS := config.yml domain.yml addons/nlu.py $(shell find data/nlu data/rules data/stories -name '*.yml' 2>/dev/null)

.PHONY: help install train db run shell test lint format clean

help:
	@echo "make run    - set everything up, then start the assistant (REST on :5005, actions on :5055)"
	@echo "make shell  - set everything up, then talk to the assistant in the terminal (rasa shell)"
	@echo "make test   - set everything up, then run every check"
	@echo "make install | train | db (knowledge base) | lint | format | clean"

$(VENV)/.installed: requirements.lock scripts/find-python310.sh
	@echo "==> Creating the virtual environment with Python 3.10"
	@py=$$(scripts/find-python310.sh) || exit 1; \
	  [ -x $(BIN)/python ] || "$$py" -m venv $(VENV)
	@echo "==> Installing uv $(UV_VERSION) (fast installer)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@echo "==> Installing the locked dependencies (a few minutes the first time)"
	@$(BIN)/uv pip sync --python $(BIN)/python requirements.lock
	@touch $@

install: $(VENV)/.installed

$(MODEL): $(VENV)/.installed $(TRAIN_INPUTS)
	@echo "==> Training the model (data or config changed)"
	@mkdir -p $(MODEL_DIR)
	@$(BIN)/rasa train --fixed-model-name current --out $(MODEL_DIR) --num-threads 2 \
	  --data data/nlu data/rules data/stories
	@touch $@

train: $(MODEL)

db: $(VENV)/.installed
	@$(BIN)/python -m actions.knowledge.loader

run: $(MODEL) db
	@scripts/run.sh serve

shell: $(MODEL) db
	@scripts/run.sh shell

lint: $(VENV)/.installed
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: $(VENV)/.installed
	@$(BIN)/ruff check --fix .
	@$(BIN)/ruff format .

test: $(MODEL) db
	@scripts/test.sh

clean:
	rm -rf $(VENV) $(MODEL_DIR) .rasa var results .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

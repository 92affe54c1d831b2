# Peilian: `make run` to rehearse, `make test` to check everything. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
BIN       := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MODEL     := models/peilian.tar.gz
CHROMIUM  := /usr/bin/chromium
CJK_FONT  := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
# axe-core, the accessibility engine the browser tests inject (pinned in package.json and
# package-lock.json, installed into node_modules/ with npm ci); npm on PATH, else Debian's.
NPM       := $(or $(shell command -v npm 2>/dev/null),/usr/bin/npm)
AXE       := node_modules/axe-core/axe.min.js
# The replica test's lock store and load balancer (Debian packages).
REDIS     := /usr/bin/redis-server
NGINX     := /usr/sbin/nginx
# The customer's voice where the browser has no Chinese one (bot/web/speech.py; Debian package).
ESPEAK    := /usr/bin/espeak-ng
# PostgreSQL's server binaries for the storage tests: on PATH, else Debian's package location.
INITDB    := $(or $(shell command -v initdb 2>/dev/null),$(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin/initdb))),/usr/lib/postgresql/15/bin/initdb)
RASA_DATA := data/nlu.yml data/rules.yml
TRAIN_INPUTS := config.yml domain.yml $(RASA_DATA) data/lexicon.yml $(wildcard data/jieba/*.txt) $(wildcard bot/nlu/*.py)
CODE      := bot actions
# NLU cross-validation (3 trainings) reruns only when these changed since its last pass, or with CI=true.
CV_INPUTS := config.yml data/nlu.yml data/lexicon.yml $(wildcard data/jieba/*.txt) $(wildcard bot/nlu/*.py)
CV_STAMP  := results/cross-validation.passed
# `make test` runs these stages in order and stops at the first that fails.
STAGES    := check unit model servers browser
# Extra pytest options for every stage's run, e.g. PYTEST_ARGS=-x (a -k replaces the stage's own -k).
# A stage whose pytest run collects no tests fails (it expects some), unless PYTEST_ARGS narrowed it.
PYTEST_ARGS ?=

# Quieter TensorFlow / SQLAlchemy start-up chatter.
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONUNBUFFERED := 1
export RASA_TELEMETRY_ENABLED := false
# Rasa's training cache, shared by every checkout on this machine: a fresh clone whose NLU data and
# config match a model trained before reuses the trained components instead of training for minutes.
export RASA_CACHE_DIRECTORY ?= $(HOME)/.cache/peilian/rasa

# Rasa 3.6 needs Python 3.10: python3.10 on PATH if it really runs, else pyenv's newest 3.10.x.
PYTHON310 ?= $(shell \
  for c in python3.10 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10.*/bin/python 2>/dev/null | sort -V -r); do \
    if "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then command -v "$$c" || echo "$$c"; break; fi; \
  done)

.PHONY: help install model run chat check lint types test test-check test-unit test-model test-stories \
  test-slow test-cross-validation test-servers test-browser validate eval bench lock clean

# pytest that tells "no tests collected" (exit code 5) apart from a pass: an error, unless PYTEST_ARGS
# narrowed the selection. A shell command list; its status is pytest's (0 for an allowed empty run).
define pytest
{ rc=0; $(BIN)/python -m pytest $(1) $(PYTEST_ARGS) || rc=$$?; \
  if [ $$rc = 5 ]; then \
    if [ -n '$(PYTEST_ARGS)' ]; then echo "==> no tests selected here with PYTEST_ARGS; that is fine"; rc=0; \
    else echo "error: pytest collected no tests (exit code 5), and this stage expects some" >&2; fi; \
  fi; [ $$rc = 0 ]; }
endef

help:
	@echo "make run    install if needed, train if stale, start the servers and the web page on :8000"
	@echo "make chat   rehearse a call in the terminal"
	@echo "make check  lint (ruff), types (mypy) and the unit tests that need no model: about a minute"
	@echo "make test   every check, in stages that stop at the first failure: check; unit (storage on"
	@echo "            PostgreSQL); model (validation, story tests, grading agreement on tests/golden, NLU"
	@echo "            cross-validation if NLU data or config changed); servers (live calls); browser"
	@echo "make eval   grader agreement and Cohen's kappa per criterion on tests/golden, tests/eval/tuning"
	@echo "            and tests/eval/heldout"
	@echo "make bench  grading speed, the workspace pages' times over 1,000 stored calls, per-turn latency over"
	@echo "            REST against a bare rasa init bot, 1 vs 2 replicas, training and fresh-clone start-up"
	@echo "            (about 35 minutes; bench/results.md)"
	@echo "make run REPLICAS=2   two Rasa replicas behind nginx (needs DATABASE_URL=postgresql://... and REDIS_URL)"

install: $(INSTALLED)

$(INSTALLED): pyproject.toml constraints.txt
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "error: Python 3.10 is required (Rasa 3.6 supports 3.8-3.10) and none was found."; \
	  echo "  Install it, e.g. 'pyenv install 3.10.13', or put python3.10 on PATH, or run"; \
	  echo "  'make PYTHON310=/path/to/python3.10 ...'."; \
	  exit 1; fi
	@echo "==> Creating $(VENV) with $(PYTHON310)"
	@[ -x $(BIN)/python ] && $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' \
	  || { rm -rf $(VENV) && "$(PYTHON310)" -m venv $(VENV); }
	@echo "==> Installing Rasa 3.6.21 and the project (about 2 minutes on a fresh machine)"
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3" "setuptools==70.3.0" "wheel==0.45.1"
	$(BIN)/python -m pip install --progress-bar on -c constraints.txt -e ".[dev]"
	@touch $@

model: $(MODEL)

$(MODEL): $(TRAIN_INPUTS) | $(INSTALLED)
	@echo "==> Training the Rasa model (data, config or domain changed; 3-4 minutes)"
	$(BIN)/rasa train --config config.yml --domain domain.yml --data $(RASA_DATA) \
	  --out models --fixed-model-name peilian
	@touch $@

var:
	@mkdir -p var

# REPLICAS=2 runs two Rasa servers (each with its action server) behind nginx; they need PostgreSQL
# (DATABASE_URL) and Redis (REDIS_URL) to share conversations and locks. See README, "Replicas".
REPLICAS ?= 1
run: $(MODEL) $(ESPEAK) | var
	@$(BIN)/python -m bot setup
	@echo "==> Starting the action server (:5055), the Rasa server (:5005) and the web page (:8000), on 127.0.0.1,"
	@echo "    under supervisord (a crashed server is restarted; logs in var/log/)."
	@echo "    Rehearse in the browser:  http://localhost:8000/  (ready when 'Peilian 陪练 is ready' appears)"
	@echo "    or in a terminal:         make chat          Ctrl-C stops everything."
	$(BIN)/python -m bot serve all --replicas $(REPLICAS)

chat: $(MODEL)
	$(BIN)/python -m bot chat

validate: $(INSTALLED)
	$(BIN)/rasa data validate --config config.yml --domain domain.yml --data $(RASA_DATA) --fail-on-warnings

lint: $(INSTALLED)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

types: $(INSTALLED)
	$(BIN)/mypy

# The fast gate: needs the venv only (no model, no PostgreSQL, no browser). The storage tests run
# here on SQLite; stage 2 (test-unit) runs them on PostgreSQL.
check: $(INSTALLED)
	@start=$$(date +%s); \
	trap 'rc=$$?; echo "==> make check $$([ $$rc = 0 ] && echo passed || echo FAILED) in $$(($$(date +%s) - start))s"' EXIT; \
	set -e; \
	echo "==> lint: ruff check, ruff format --check ($(CODE))"; \
	$(BIN)/ruff check $(CODE); $(BIN)/ruff format --check $(CODE); \
	echo "==> types: mypy ($(CODE))"; \
	$(BIN)/mypy; \
	echo "==> unit tests that need no model"; \
	$(call pytest,-m "not servers and not slow" -k "not postgresql" -q)

test-check: check

# The storage tests on a real PostgreSQL that they start themselves.
test-unit: $(INSTALLED) $(INITDB)
	@$(call pytest,-m "not servers and not slow" -k postgresql -q)

# Everything that needs the trained model (training it if stale).
test-model: validate test-stories test-slow test-cross-validation

test-stories: $(MODEL)
	$(BIN)/rasa test core --e2e --model $(MODEL) --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out results/stories

# Debian packages the tests (and `make run`) need, installed once: as root, or with passwordless sudo.
# $(1): the packages; $(2): what for.
define apt_install
echo "==> Installing Debian's $(1) ($(2))"; \
if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo="sudo -n"; \
else echo "error: $@ is missing; install it with 'apt-get install $(1)' as root"; exit 1; fi; \
$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $(1)
endef

# Debian's Chromium for the Playwright browser tests (Playwright downloads no browser here), and a
# CJK font so the screenshots in test-output/browser show Chinese instead of empty boxes.
$(CHROMIUM) $(CJK_FONT):
	@$(call apt_install,chromium fonts-wqy-zenhei,for the browser tests)

# axe-core exactly as package-lock.json pins it (npm ci), again whenever the package files change.
$(AXE): package.json package-lock.json | $(NPM)
	@echo "==> Installing axe-core (package-lock.json) into node_modules for the accessibility tests"
	$(NPM) ci --no-audit --no-fund
	@touch $@

$(NPM):
	@$(call apt_install,npm,to install axe-core for the accessibility tests)

$(INITDB):
	@$(call apt_install,postgresql,server binaries for the storage tests)

$(ESPEAK):
	@$(call apt_install,espeak-ng,the customer's Mandarin voice for browsers without one)

$(REDIS) $(NGINX):
	@$(call apt_install,redis-server nginx,for the replica tests)

# The grader and `bot grade` with the trained model (cross-validation has its own target).
test-slow: $(MODEL)
	@$(call pytest,-m slow --ignore=tests/test_nlu_cross_validation.py -q -s)

# The stamp is written only after a pass, with the time the run started, so an edit made while it
# runs still counts as a change next time.
test-cross-validation: $(INSTALLED)
	@if [ "$$CI" = true ]; then why="CI=true"; \
	elif [ ! -e $(CV_STAMP) ]; then why="no passing run recorded in $(CV_STAMP)"; \
	else changed=$$(find $(CV_INPUTS) -newer $(CV_STAMP) | xargs); why=$${changed:+changed: $$changed}; fi; \
	if [ -z "$$why" ]; then \
	  echo "==> NLU cross-validation skipped: NLU data and config unchanged since the last pass (CI=true forces it)"; \
	  exit 0; fi; \
	echo "==> NLU cross-validation, 3 folds ($$why)"; \
	mkdir -p $(dir $(CV_STAMP)) && touch $(CV_STAMP).new && \
	$(call pytest,tests/test_nlu_cross_validation.py -m slow -q -s) && mv $(CV_STAMP).new $(CV_STAMP)

# Live calls against the real servers (and, for test_postgres_live, a real PostgreSQL).
test-servers: $(MODEL) $(INITDB) $(REDIS) $(NGINX) $(ESPEAK)
	@$(call pytest,-m "servers and not browser" -q -s)

test-browser: $(MODEL) $(CHROMIUM) $(CJK_FONT) $(AXE)
	@$(call pytest,-m browser -q -s)

# Every stage in order; the first that fails stops the run and is named. (.ci/run calls this.)
test:
	@start=$$(date +%s); i=0; n=$(words $(STAGES)); \
	for stage in $(STAGES); do \
	  i=$$((i + 1)); t=$$(date +%s); \
	  echo "==> stage $$i/$$n: $$stage"; \
	  if ! $(MAKE) --no-print-directory test-$$stage; then \
	    echo "==> stage $$i/$$n: $$stage ... FAILED after $$(($$(date +%s) - t))s"; exit 1; fi; \
	  echo "==> stage $$i/$$n: $$stage ... ok in $$(($$(date +%s) - t))s"; \
	done; \
	echo "==> make test: all $$n stages passed in $$(($$(date +%s) - start))s"

# Agreement and Cohen's kappa per criterion on each labelled set: the golden set, the blind set's
# tuning split, and its held-out split (never used for tuning). All three tables print; a set whose
# core agreement is too low fails the target at the end.
EVAL_SETS := tests/golden tests/eval/tuning tests/eval/heldout
eval: $(MODEL)
	@rc=0; for set in $(EVAL_SETS); do echo "==> $$set"; $(BIN)/python -m bot eval $$set || rc=1; echo; done; exit $$rc

bench: $(MODEL) $(INITDB) $(REDIS) $(NGINX)
	$(BIN)/python -m bot bench tests/golden
	$(BIN)/python bench/workspace.py --calls 1000
	$(BIN)/python bench/turns.py
	$(BIN)/python bench/replicas.py
	$(BIN)/python bench/startup.py

lock: $(INSTALLED)
	@{ echo "# Full dependency lock for the .venv (pip install -c constraints.txt). Regenerate with"; \
	   echo "# 'make lock' after changing pyproject.toml."; \
	   $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt

clean:
	rm -rf models results var test-output

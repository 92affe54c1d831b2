# Peilian: `make run` to rehearse, `make test` to check everything. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
BIN       := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MODEL     := models/peilian.tar.gz
CHROMIUM  := /usr/bin/chromium
CJK_FONT  := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
# PostgreSQL's server binaries for the storage tests: on PATH, else Debian's package location.
INITDB    := $(or $(shell command -v initdb 2>/dev/null),$(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin/initdb))),/usr/lib/postgresql/15/bin/initdb)
RASA_DATA := data/nlu.yml data/rules.yml
TRAIN_INPUTS := config.yml domain.yml $(RASA_DATA) $(wildcard data/jieba/*.txt) $(wildcard bot/nlu/*.py)

# Quieter TensorFlow / SQLAlchemy start-up chatter.
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONUNBUFFERED := 1
export RASA_TELEMETRY_ENABLED := false

# Rasa 3.6 needs Python 3.10: python3.10 on PATH if it really runs, else pyenv's newest 3.10.x.
PYTHON310 ?= $(shell \
  for c in python3.10 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10.*/bin/python 2>/dev/null | sort -V -r); do \
    if "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then command -v "$$c" || echo "$$c"; break; fi; \
  done)

.PHONY: help install model run chat test test-unit test-stories validate eval bench lock clean

help:
	@echo "make run    install if needed, train if stale, start the servers and the web page on :8000"
	@echo "make chat   rehearse a call in the terminal"
	@echo "make test   every check: validation, unit tests, story tests, NLU cross-validation, grading"
	@echo "            agreement on tests/golden, live calls against the real servers, browser calls"
	@echo "make eval   grader agreement and Cohen's kappa per criterion on tests/golden"
	@echo "make bench  grading speed, and the workspace pages' times over 1,000 stored calls (bench/results.md)"

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

run: $(MODEL) | var
	@$(BIN)/python -m bot setup
	@echo "==> Starting the action server (:5055), the Rasa server (:5005) and the web page (:8000), on 127.0.0.1."
	@echo "    Rehearse in the browser:  http://localhost:8000/  (ready when 'Peilian 陪练 is ready' appears)"
	@echo "    or in a terminal:         make chat          Ctrl-C stops everything."
	$(BIN)/honcho start -f Procfile

chat: $(MODEL)
	$(BIN)/python -m bot chat

validate: $(INSTALLED)
	$(BIN)/rasa data validate --config config.yml --domain domain.yml --data $(RASA_DATA) --fail-on-warnings

# The storage tests run on SQLite and on a real PostgreSQL that they start themselves.
test-unit: $(INSTALLED) $(INITDB)
	$(BIN)/python -m pytest -m "not servers and not slow" -q

test-stories: $(MODEL)
	$(BIN)/rasa test core --e2e --model $(MODEL) --stories tests/test_stories.yml \
	  --fail-on-prediction-errors --out results/stories

# Debian's Chromium for the Playwright browser tests (Playwright downloads no browser here), and a
# CJK font so the screenshots in test-output/browser show Chinese instead of empty boxes.
$(CHROMIUM) $(CJK_FONT):
	@echo "==> Installing Debian's chromium and a Chinese font for the browser tests"
	@if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo="sudo -n"; \
	  else echo "error: $@ is missing; install it with 'apt-get install chromium fonts-wqy-zenhei' as root"; exit 1; fi; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium fonts-wqy-zenhei

$(INITDB):
	@echo "==> Installing Debian's PostgreSQL server binaries for the storage tests"
	@if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo="sudo -n"; \
	  else echo "error: $@ is missing; install it with 'apt-get install postgresql' as root"; exit 1; fi; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq postgresql

# Fast checks first; then the ones that need the trained model, training, the servers or a browser.
test: validate test-unit test-stories $(CHROMIUM) $(CJK_FONT)
	$(BIN)/python -m pytest -m "servers or slow" -q -s

eval: $(MODEL)
	$(BIN)/python -m bot eval tests/golden

bench: $(MODEL)
	$(BIN)/python -m bot bench tests/golden
	$(BIN)/python bench/workspace.py --calls 1000

lock: $(INSTALLED)
	@{ echo "# Full dependency lock for the .venv (pip install -c constraints.txt). Regenerate with"; \
	   echo "# 'make lock' after changing pyproject.toml."; \
	   $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt

clean:
	rm -rf models results var test-output

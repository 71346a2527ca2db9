# Two commands for a fresh clone: `make run LINE="..."` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LINE ?= I guess I'll just wait to hear back, sorry for rambling.

.PHONY: run test train

run: $(VENV)/.installed
	@$(BIN)/closer-tone check "$(LINE)"

test: $(VENV)/.installed-dev
	$(BIN)/ruff check closer_tone tests tools bench
	$(BIN)/mypy closer_tone
	$(BIN)/python -m pytest

train: $(VENV)/.installed
	$(BIN)/closer-tone train

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# One verb per target. Every target installs what it needs into .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REDOCLY := npx --yes @redocly/cli@2.77.0

.PHONY: install serve test check lint-spec fuzz

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: install
	$(BIN)/mockserver serve

test: install
	$(BIN)/pytest

check: install lint-spec
	$(BIN)/ruff check mockserver tests
	$(BIN)/mypy

lint-spec:
	$(REDOCLY) lint --config redocly.yaml spec/interventions.yaml spec/events.yaml

fuzz: install
	$(BIN)/mockserver fuzz --api events --target http://127.0.0.1:8000
	$(BIN)/mockserver fuzz --api interventions --target http://127.0.0.1:8000/main

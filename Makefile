# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv install lint test demo schemas clean bench wheel-smoke

venv: $(STAMP)
install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check reconciler tests bench
	$(BIN)/ruff format --check reconciler tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

DEMO := --emulator --emulator-db .smartplus/demo/emulator.db
demo: $(STAMP)
	rm -rf .smartplus/demo
	@echo "== 1. render: the YAML the plan will see"
	$(BIN)/smartplus render manifests/demo
	@echo "== 2. validate"
	$(BIN)/smartplus validate manifests/demo
	@echo "== 3. plan against the embedded emulator (demo account), saved for review"
	$(BIN)/smartplus plan manifests/demo $(DEMO) -o .smartplus/demo/plan.json
	@echo "== 4. apply the reviewed plan"
	$(BIN)/smartplus apply .smartplus/demo/plan.json $(DEMO)
	@echo "== 5. plan again: nothing to change"
	$(BIN)/smartplus plan manifests/demo $(DEMO) --detailed-exitcode

schemas: $(STAMP)
	$(BIN)/python -m reconciler.core.schema > schemas/manifest.schema.json
	@# The copy that ships in the wheel (package data), kept byte-equal by tests/test_packaging.py.
	mkdir -p reconciler/schemas
	cp schemas/manifest.schema.json reconciler/schemas/manifest.schema.json

bench: $(STAMP)
	$(BIN)/python bench/plan_scale.py

# Build a wheel from a fresh clone, install it in a new venv outside the repository, run it.
wheel-smoke:
	$(BIN)/python bench/wheel_smoke.py

clean:
	rm -rf $(VENV) .smartplus .mypy_cache .pytest_cache .ruff_cache build *.egg-info

# Needs only python3 and make: `make setup` builds .venv from requirements.txt.
PY := .venv/bin/python
# pytest processes (pytest-xdist), each with a stack of its own; a file's tests stay in one process
PYTEST_WORKERS ?= 2

.PHONY: setup run test bench

setup:
	@bash tools/setup.sh

run: setup
	$(PY) -m devstack run

test: setup
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench

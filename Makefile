# Needs only python3 and make: `make setup` builds .venv from requirements.txt.
PY := .venv/bin/python

.PHONY: setup run test bench

setup:
	@bash tools/setup.sh

run: setup
	$(PY) -m devstack run

test: setup
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench

# The two ways in (see README.md):
#   make run    install into .venv and start the app on the built-in Dojo ExaPOD example
#   make test   install into .venv (with the test tools) and run every test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test bench screenshots wheel clean

$(VENV)/.app: pyproject.toml
	./scripts/system-deps.sh run
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet .
	touch $@

$(VENV)/.test: pyproject.toml
	./scripts/system-deps.sh test
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.app

run: $(VENV)/.app
	$(VENV)/bin/dojo-gui --example exapod

test: $(VENV)/.test
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.test
	for b in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

screenshots: $(VENV)/.test
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info

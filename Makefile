# The two ways in (see README.md):
#   make run    install into .venv and start the app on the built-in Dojo ExaPOD example
#   make test   install into .venv (with the test tools), run the static checks and every test
#               but the slow ones (those that drive a real X11 window, start clusters, fuzz or
#               smoke-run the benchmarks): `make test-slow` runs those, CI (.ci/run) runs both.
# and for packaging:
#   make app    build the one-folder desktop app in dist/dojo-gui (PyInstaller, in .venv-app) and check it
#   make wheel  build the wheel in dist/
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test test-slow check bench screenshots wheel app clean

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

# Tests run in parallel over the machine's cores (pytest-xdist); the wall time is printed at the end.
PYTEST := QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n auto --dist loadgroup

check: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: check
	@start=$$(date +%s); $(PYTEST) -m "not slow" $(PYTEST_ARGS); status=$$?; \
	echo "make test: pytest took $$(( $$(date +%s) - start )) s"; exit $$status

test-slow: $(VENV)/.test
	./scripts/system-deps.sh test-slow
	@start=$$(date +%s); $(PYTEST) -m slow $(PYTEST_ARGS); status=$$?; \
	echo "make test-slow: pytest took $$(( $$(date +%s) - start )) s"; exit $$status

bench: $(VENV)/.test
	for b in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

wheel: $(VENV)/.app
	$(PY) -m pip wheel --quiet --no-deps -w dist .

# PyInstaller is only needed here, so it lives in its own environment with the `packaging` extra;
# dojo-gui is installed there as a wheel (not editable), so the bundle carries exactly what a wheel does.
APP_VENV ?= .venv-app
app:
	./scripts/system-deps.sh run  # the xcb libraries too, so the bundle carries what a desktop window needs
	test -x $(APP_VENV)/bin/python || $(PYTHON) -m venv $(APP_VENV)
	$(APP_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(APP_VENV)/bin/python -m pip install --quiet '.[packaging]'
	$(APP_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .
	rm -rf build/pyinstaller dist/dojo-gui
	$(APP_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/dojo-gui.spec
	./packaging/check-bundle.sh dist/dojo-gui

screenshots: $(VENV)/.test
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots_live.py
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots_sweeps.py
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots_training.py

clean:
	rm -rf $(VENV) $(APP_VENV) build dist *.egg-info

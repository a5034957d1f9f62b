# lungelab task runner.  Two commands do everything on a fresh Linux machine
# with Python >= 3.10:
#     make run    # set up .venv if needed, print the default lunge, write the offline report
#     make test   # set up .venv (+ Debian chromium) if needed, run ruff, pytest and nbval
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= out/report
# Jupyter writes runtime files under $HOME; keep them inside the build tree.
JUPYTER_ENV := JUPYTER_CONFIG_DIR=$(CURDIR)/.jupyter_tmp/config \
               JUPYTER_DATA_DIR=$(CURDIR)/.jupyter_tmp/data \
               JUPYTER_RUNTIME_DIR=$(CURDIR)/.jupyter_tmp/runtime \
               IPYTHONDIR=$(CURDIR)/.jupyter_tmp/ipython

.PHONY: run test setup chromium lint unit nbval bench regenerate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/lungelab report --out $(OUT)

chromium:
	@command -v chromium >/dev/null 2>&1 || sh .ci/install-chromium

test: $(STAMP) chromium
	$(BIN)/ruff check lungelab tests benchmarks
	@mkdir -p .jupyter_tmp/config .jupyter_tmp/data .jupyter_tmp/runtime .jupyter_tmp/ipython
	$(JUPYTER_ENV) $(BIN)/python -m pytest tests notebooks --nbval \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check lungelab tests benchmarks

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q

nbval: $(STAMP)
	@mkdir -p .jupyter_tmp/config .jupyter_tmp/data .jupyter_tmp/runtime .jupyter_tmp/ipython
	$(JUPYTER_ENV) $(BIN)/python -m pytest notebooks --nbval \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

regenerate: $(STAMP)
	$(BIN)/python -c "import lungelab.compiled as c; print(c.write_generated())"

clean:
	rm -rf $(VENV) out .jupyter_tmp .pytest_cache

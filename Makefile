# Production Python for AI Backends: build the editions and run every listing.
#
#   make book    HTML, EPUB and PDF in _build/ (installs what it needs)
#   make test    every test: listings, behaviour tests, guards, lint, types
#
# See README.md for the rest.

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed
SPHINX   := $(BIN)/sphinx-build
SPHINXOPTS ?= -W --keep-going -n -q -j auto
BUILD    := _build
BASENAME := production-python-for-ai-backends
# Most tests wait on real servers rather than compute, so three times as many
# workers as cores keeps both busy; more only repeats the collection.
ifndef PYTEST_WORKERS
PYTEST_WORKERS := $(shell n=$$(( 3 * $$(nproc) )); [ $$n -gt 8 ] && n=8; echo $$n)
endif
export PYTEST_WORKERS

# Every test starts real interpreters (uvicorn, Celery, the listings). Some
# environments set PYTHONDONTWRITEBYTECODE, which makes each of them compile
# its imports from source again; the bytecode caches are gitignored.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: book html epub pdf test coverage check serve clean figures lock venv system-book system-test system-check system-browser test-browser test-pythons bench soak \
        lint types test-fast

# -- environment --------------------------------------------------------------

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip check
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null
	@touch $(STAMP)

system-book:
	@tools/ensure-system-packages book

system-test:
	@tools/ensure-system-packages test

system-check:
	@tools/ensure-system-packages check

system-browser:
	@tools/ensure-system-packages browser

# Regenerate the lock file from pyproject.toml's ranges (needs the network).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --no-header -o requirements.lock

# -- editions -------------------------------------------------------------------

book: html epub pdf
	@mkdir -p $(BUILD)/html/downloads
	cp $(BUILD)/latex/$(BASENAME).pdf $(BUILD)/epub/$(BASENAME).epub $(BUILD)/html/downloads/
	@echo "Editions: $(BUILD)/html/index.html $(BUILD)/epub/$(BASENAME).epub $(BUILD)/latex/$(BASENAME).pdf"

html: $(STAMP) system-book
	$(SPHINX) -M html book $(BUILD) -c . $(SPHINXOPTS)

epub: $(STAMP) system-book
	$(SPHINX) -M epub book $(BUILD) -c . $(SPHINXOPTS)

pdf: $(STAMP) system-book
	$(SPHINX) -M latex book $(BUILD) -c . $(SPHINXOPTS)
	@echo "xelatex: $(BUILD)/latex/$(BASENAME).pdf"
	@$(MAKE) -C $(BUILD)/latex all-pdf LATEXMKOPTS="-quiet -interaction=nonstopmode -halt-on-error" > $(BUILD)/latex/make.log 2>&1 \
	  || { tail -40 $(BUILD)/latex/make.log; echo "PDF build failed: see $(BUILD)/latex/$(BASENAME).log"; exit 1; }

check: $(STAMP) system-check
	$(BIN)/python tools/check_editions.py $(BUILD)

serve: $(STAMP) system-book
	$(BIN)/sphinx-autobuild book $(BUILD)/html -c . -W --keep-going -n --port 8000 --host 127.0.0.1

# -- tests ------------------------------------------------------------------------

PYTEST_ARGS := -n $(PYTEST_WORKERS) --dist loadfile -p no:cacheprovider -m "not browser" --ignore=tests/browser

test: $(STAMP) system-test
	$(BIN)/ruff check snippets tests tools conftest.py conf.py
	$(BIN)/ruff format --check snippets tests tools conftest.py conf.py
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite under coverage.py: every line of snippets/ must run (100 %).
# A line tracer slows every interpreter the tests start, so this is its own
# gate (.ci/run runs it after make test) rather than part of the edit-test loop.
coverage: $(STAMP) system-test
	rm -f .coverage .coverage.*
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

# The snippet and behaviour tests on every CPython 3.11-3.14 on this machine.
test-pythons: system-test
	tools/test-pythons

# Speed: medians of several runs of the builds and the tests (RUNS=3).
bench: $(STAMP) system-book system-test
	$(BIN)/python tools/bench.py

# Flakiness: the suite 5 times in parallel and 5 times serially.
soak: $(STAMP) system-test
	tools/soak

# The reader's view: a real Chromium over the built HTML (builds the book first
# when it is missing).
test-browser: $(STAMP) system-browser system-check
	@test -f $(BUILD)/html/downloads/$(BASENAME).pdf || $(MAKE) book
	cd tools/browser && npm ci --no-audit --no-fund --silent
	$(BIN)/python -m pytest tests/browser -p no:cacheprovider -q

# -- figures: measured on this machine, committed as data -------------------------

figures: $(STAMP) system-test
	$(BIN)/python snippets/ch_concurrency_models/bench_models.py --out book/concurrency/data/models.json
	$(BIN)/python snippets/ch_llm_fundamentals/overload_experiment.py --out book/fastapi/data/overload.json
	$(BIN)/python snippets/ch_llm_multipod/multipod_experiment.py --out book/fastapi/data/multipod.json
	$(BIN)/python snippets/ch_llm_resilience/outage_experiment.py --out book/fastapi/data/outage.json
	@echo "The try/raise cost benchmark is printed, not committed:"
	$(BIN)/python snippets/ch_exceptions/bench_try_cost.py

clean:
	rm -rf $(BUILD) book/_generated .coverage .coverage.* .mypy_cache .ruff_cache .pytest_cache

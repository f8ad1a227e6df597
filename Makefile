# The two commands of the README:
#   make demo   – install into .venv and run the demo job on the embedded defaults
#   make check  – install into .venv, then lint, type-check, check import layers and run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo serve lint typecheck imports compile test check bench fuzz clean web web-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/graphmill demo

serve: $(STAMP)
	$(BIN)/graphmill serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

# Two test processes: the Spark tests (a shared JVM, about half the time) on one, the rest on
# the other; see pytest_xdist_make_scheduler in tests/conftest.py.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --cov --cov-report=term --cov-fail-under=82

# `graphmill compile` fills numba's kernel cache once, in parallel processes (about 100 CPU s
# from cold, 5 s when the cache is warm), where otherwise the test servers' workers would each
# compile the same kernels side by side in the first minutes.
compile: $(STAMP)
	$(BIN)/graphmill compile --processes $(TEST_WORKERS)

test: compile
	$(PYTEST)

# The checks and the kernel compile side by side (mostly one core each), then the tests.
check: $(STAMP)
	$(MAKE) --no-print-directory -j4 --output-sync=target lint typecheck imports compile
	$(PYTEST)

# The nGQL front end under hypothesis with tens of thousands of inputs per property (CI runs a few hundred).
fuzz: $(STAMP)
	GRAPHMILL_FUZZ=long $(BIN)/pytest tests/query/test_q_fuzz.py -q --timeout 3600 --hypothesis-show-statistics

bench: $(STAMP)
	$(BIN)/python bench/http_load.py

# The web console: sources in web/, the built bundle committed in src/graphmill/web/static/.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

# Rebuild from the sources and the lockfile and fail if the bytes differ from the committed bundle.
web-check:
	cd web && npm ci --no-audit --no-fund && npm run build
	git diff --exit-code --stat -- src/graphmill/web/static
	test -z "$$(git status --porcelain -- src/graphmill/web/static)"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

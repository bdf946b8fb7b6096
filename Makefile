# Two commands do everything on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench fuzz install clean

$(STAMP): pyproject.toml
	@sh scripts/ensure-venv.sh "$(PY)" "$(VENV)"
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/papermap build sample_data/demo.toml -o out/demo.pdf
	@echo "wrote out/demo.pdf"

test: $(STAMP)
	@sh scripts/ensure-chromium.sh   # Debian's chromium for tests/test_serve_browser.py (skips if it cannot)
	$(BIN)/python -m pytest -q

# every reader and the config fed FUZZ_CASES mutated inputs each (see tests/fuzz/run.py)
FUZZ_CASES ?= 10000
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/run.py --cases $(FUZZ_CASES) $(FUZZ_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

clean:
	rm -rf out $(VENV) *.egg-info

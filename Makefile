# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p out
	$(BIN)/staffing plan data/forecast.csv --target 80/20 --target 'abandon<=5%' \
		--in-centre 15% --out-of-centre 20% --hours-per-fte 37.5 --period day \
		--out out/plan.csv --summary out/summary.csv --plot out/plan.png --report out/plan.html
	@echo "wrote out/plan.csv out/summary.csv out/plan.png out/plan.html"

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m 'not slow'

lint: $(STAMP)
	$(BIN)/ruff check staffing tests benchmarks
	$(BIN)/ruff format --check staffing tests benchmarks
	$(BIN)/mypy staffing

bench: $(STAMP)
	-$(BIN)/python -m pip install --quiet pyworkforce turbotab  # peers, where they install
	$(BIN)/python benchmarks/bench_required_agents.py
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_big_plan.py
	$(BIN)/python benchmarks/bench_simulate.py
	$(BIN)/python benchmarks/bench_schedule.py
	$(BIN)/python benchmarks/bench_dates.py
	$(BIN)/python benchmarks/bench_redial.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint docs bench notebooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# notebooks are committed without outputs (.gitattributes): saving one with its
	@# figures does not dirty the repository
	-@git config filter.strip-notebook-outputs.clean '$(BIN)/python notebooks/strip_outputs.py' 2>/dev/null
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p out
	$(BIN)/staffing plan data/forecast.csv --target 80/20 --target 'abandon<=5%' \
		--in-centre 15% --out-of-centre 20% --hours-per-fte 37.5 --period day \
		--out out/plan.csv --summary out/summary.csv --plot out/plan.png --report out/plan.html
	@echo ""
	@echo "The plan is in out/: plan.csv (agents per interval), summary.csv (FTE per day),"
	@echo "plan.png and plan.html (open it in a browser)."
	@echo "Run the command line as $(BIN)/staffing --help (or: source $(BIN)/activate;"
	@echo "staffing --help); 'make notebooks' runs the notebooks into out/notebooks."

notebooks: $(STAMP)
	$(BIN)/python notebooks/run_all.py out/notebooks
	@echo "open them with Jupyter or VS Code, e.g. $(BIN)/python -m pip install jupyterlab"

# The whole suite, spread over the machine's cores (pytest-xdist);
# `.venv/bin/python -m pytest` runs it in one process.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m 'not slow'

lint: $(STAMP)
	$(BIN)/ruff check staffing tests benchmarks docs
	$(BIN)/ruff format --check staffing tests benchmarks docs
	$(BIN)/mypy staffing

# The docs site (docs/_build/html): warnings are errors, references to our own names checked.
docs: $(STAMP)
	rm -rf docs/api/generated  # regenerated from __all__: no page of a name that left it
	$(BIN)/sphinx-build -b html -W --keep-going -j 2 -n docs docs/_build/html

bench: $(STAMP)
	-$(BIN)/python -m pip install --quiet pyworkforce turbotab  # peers, where they install
	$(BIN)/python benchmarks/bench_required_agents.py
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_big_plan.py
	$(BIN)/python benchmarks/bench_simulate.py
	$(BIN)/python benchmarks/bench_schedule.py
	$(BIN)/python benchmarks/bench_dates.py
	$(BIN)/python benchmarks/bench_capacity.py
	$(BIN)/python benchmarks/bench_forecast.py
	$(BIN)/python benchmarks/bench_risk.py
	$(BIN)/python benchmarks/bench_redial.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache docs/_build docs/notebooks docs/api/generated

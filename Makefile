# shufflenet-det: `make demo` installs and runs the whole pipeline on the built-in dataset; `make test` tests.
VENV   ?= .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install doctor test test-all test-gpu lint demo compare flops sweep tables clean

install: $(STAMP)

# Reinstall only when the dependencies or the install script change.
$(STAMP): pyproject.toml tools/install_env.sh
	VENV=$(VENV) bash tools/install_env.sh
	touch $@

# Versions, CUDA, and whether mmcv's compiled ops run on each device; says what to do about each problem.
doctor: install
	$(PYTHON) tools/check_env.py

test: install
	$(PYTHON) -m pytest -q

test-all: install
	$(PYTHON) -m pytest -q -m ''

# The GPU smoke suite: skipped, with the reason, where torch sees no CUDA GPU.
test-gpu: install
	$(PYTHON) -m pytest -q -rs -m gpu

lint: install
	$(PYTHON) -m ruff check shufflenet_det tools tests configs examples

demo: install
	$(PYTHON) tools/demo.py

compare: install
	$(PYTHON) tools/compare.py

flops: install
	$(PYTHON) tools/flops.py

sweep: install
	$(PYTHON) tools/sweep.py

# Rewrite the tables in README.md and docs/ from the result files under results/.
tables: install
	$(PYTHON) tools/make_tables.py

clean:
	rm -rf $(VENV) work_dirs .pytest_cache .ruff_cache

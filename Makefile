# The two commands of README.md: `make run` and `make test`. Everything else is theirs.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= demo-password
# The day the demo shows (51 days before the sample mandate's renewal); empty for today.
DEMO_AS_OF ?= 2023-05-10

.PHONY: run test bench venv venv-dev system-deps migrate demo clean

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

system-deps:
	./scripts/ensure-system-deps

migrate: venv system-deps
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo --password "$(DEMO_PASSWORD)" $(if $(DEMO_AS_OF),--as-of $(DEMO_AS_OF))

run: demo
	WPS_DEMO_PASSWORD="$(DEMO_PASSWORD)" WPS_DEMO_AS_OF="$(DEMO_AS_OF)" ./scripts/run-embedded

test: venv-dev
	./scripts/ensure-system-deps --browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The scale benchmark (issue 14), not part of `make test`: it DROPS and recreates the
# database DATABASE_URL names. BENCH_ARGS=--big for 100,000 recommendations / 2,000,000 updates.
bench: venv
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL to a scratch PostgreSQL database (it is dropped and rebuilt)"; exit 1; }
	$(PY) -m benchmarks.scale $(BENCH_ARGS)

clean:
	rm -rf var/test .pytest_cache

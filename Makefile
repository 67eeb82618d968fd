# Two commands for a newcomer: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: setup messages run test lint load bench clean

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

setup: $(INSTALLED) messages

# Greek translations are compiled from locale/ and each app's locale/; gettext provides msgfmt.
messages: $(INSTALLED)
	@if command -v msgfmt >/dev/null; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv -v0; \
	else \
		echo "WARNING: gettext (msgfmt) is not installed, so pages stay in English." \
		     "Install it with: sudo apt-get install gettext"; \
	fi

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST)

# Browser tests (sms/tests/e2e) need Debian's Chromium; without it they are left out, loudly, except
# in CI (CI=true), where a missing browser fails the run.
CHROMIUM := /usr/bin/chromium
E2E_TESTS := sms/tests/e2e

test: setup
	$(BIN)/python manage.py makemigrations --check --dry-run -v1 --settings=sms.settings.test
	@if [ -x $(CHROMIUM) ]; then \
		echo "$(BIN)/python -m pytest"; $(BIN)/python -m pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "ERROR: CI runs the browser tests, but Chromium is missing at $(CHROMIUM)." >&2; exit 1; \
	else \
		echo "$(BIN)/python -m pytest --ignore=$(E2E_TESTS)"; status=0; \
		$(BIN)/python -m pytest --ignore=$(E2E_TESTS) || status=$$?; \
		echo ""; \
		echo "NOTE: browser tests ($(E2E_TESTS)) were SKIPPED: Chromium is not installed at $(CHROMIUM)."; \
		echo "      Install it with: sudo apt-get install chromium    then run make test again."; \
		exit $$status; \
	fi

lint: $(INSTALLED)
	$(BIN)/python -m pip install --quiet ruff==0.17.6
	$(BIN)/ruff check .

# 60 s of API load on gunicorn + PostgreSQL + Redis, then every write checked: bench/load/results.md.
load: setup
	bench/load/run.sh

# District-scale benchmark (10,000 students, 500,000 attendance rows) on its own database, seeded
# once: queries, median and p95 of every list and the dashboard in bench/results.md. On PostgreSQL:
# make bench BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sms_bench
bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Two commands for a newcomer: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: setup messages run test lint clean

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

test: setup
	$(BIN)/python manage.py makemigrations --check --dry-run -v1 --settings=sms.settings.test
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/python -m pip install --quiet ruff==0.17.6
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

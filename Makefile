# Parcours: the two commands are `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install lint format messages pytest bench clean

install:
	@scripts/bootstrap

run: install
	@scripts/run

test:
	@scripts/test

# Run part of the suite quickly: make pytest ARGS="tests/test_importer.py -k yaml"
pytest: install
	@DJANGO_SECRET_KEY=x $(PY) manage.py compilemessages --ignore "$(VENV)" -v 0
	@DJANGO_SECRET_KEY=test-only-not-secret DJANGO_SECURE_SSL_REDIRECT=false \
	  DJANGO_STATIC_MANIFEST=false PARCOURS_TEST_REDIS_URL=redis://127.0.0.1:6379/15 \
	  $(VENV)/bin/pytest -p no:cacheprovider $(ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract the strings to translate (one catalogue per app, plus the project's).
messages: install
	@scripts/makemessages

bench: install
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) var

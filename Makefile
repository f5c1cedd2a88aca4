# Front door: each target is a thin call of a script in scripts/ (each also runs alone, with -h).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8001
# Compiled bytecode is what makes the second run fast; never skip writing it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup generate paragraphs agreement validate build serve test clean

setup: $(VENV)/.synced

# The environment is rebuilt from the lock files whenever they change.
$(VENV)/.synced: requirements.lock requirements-bootstrap.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-bootstrap.lock
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	touch $@

paragraphs: setup
	$(PY) scripts/make_paragraphs.py

generate: setup
	$(PY) scripts/generate.py

# Inter-coder agreement report; run before `make generate`, which copies it into the codebook.
agreement: setup
	$(PY) scripts/agreement.py

validate: setup
	$(PY) scripts/make_paragraphs.py --check
	$(PY) scripts/generate.py --check
	$(PY) scripts/validate.py --frictionless

build: validate
	$(PY) scripts/build.py

serve: build
	$(PY) scripts/serve.py --host 127.0.0.1 --port $(PORT)

test: setup
	$(PY) -m pytest

clean:
	rm -rf build dist

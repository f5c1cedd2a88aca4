# Front door: each data, build, serve and release target is a thin call of a script in scripts/ or benchmarks/
# (each also runs alone, with -h); setup, test, check, screenshots, validate-cff and clean call their tools.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# cffconvert pins jsonschema 3, which frictionless 5 cannot share, so it has an environment of its own.
VENV_CFF := .venv-cff
PORT ?= 8001
LOAD_PORT ?= 8002
WORKERS ?= 1
TEST_WORKERS ?= auto
FROM ?=
TO ?=
BENCH_ARGS ?=
# Compiled bytecode is what makes the second run fast; never skip writing it.
unexport PYTHONDONTWRITEBYTECODE
# Each checkout imports its own library, even where environments are shared.
export PYTHONPATH := $(CURDIR)

# axe-core, which the browser tests run on every page type, from the npm registry at its locked version.
AXE_DIR := tests/accessibility

.PHONY: setup setup-cff setup-axe generate new-note paragraphs agreement validate validate-cff build serve test check screenshots load release diff bench package publish-cloudrun clean

setup: $(VENV)/.synced $(VENV)/.importable
setup-cff: $(VENV_CFF)/.synced
setup-axe: $(AXE_DIR)/node_modules/.installed

# The environment is rebuilt from the lock files whenever they change. requirements-test.lock is
# requirements.lock (what the library and the server need) plus the test group, at the same versions.
$(VENV)/.synced: requirements.lock requirements-test.lock requirements-bootstrap.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-bootstrap.lock
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements-test.lock
	touch $@

# The library (mandate_notes/, schemas/, benchmarks/) is imported from this checkout: a .pth file puts
# the checkout on the environment's path, so no script edits sys.path and nothing needs building.
$(VENV)/.importable: $(VENV)/.synced
	$(PY) -c 'import pathlib, sys, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "mandate_notes.pth").write_text(sys.argv[1] + "\n")' "$(CURDIR)"
	touch $@

# uv makes this environment in about two seconds, so `make test` always runs the real cffconvert.
$(VENV_CFF)/.synced: requirements-cff.lock $(VENV)/.synced
	$(VENV)/bin/uv venv --quiet --clear --python $(PYTHON) $(VENV_CFF)
	$(VENV)/bin/uv pip sync --quiet --python $(VENV_CFF)/bin/python requirements-cff.lock
	touch $@

$(AXE_DIR)/node_modules/.installed: $(AXE_DIR)/package-lock.json
	npm ci --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error
	touch $@

paragraphs: setup
	$(PY) scripts/make_paragraphs.py

generate: setup
	$(PY) scripts/generate.py

# make new-note ID=ipi-2024-unmiss [SOURCE=path/to/the-note.txt]: the note's folder, document.toml,
# split, pre-filled exclusions and stub rows (CONTRIBUTING.md, recipe 1).
new-note: setup
	$(PY) scripts/new_note.py "$(ID)" $(if $(SOURCE),--source "$(SOURCE)")

# Inter-coder agreement report; run before `make generate`, which copies it into the codebook.
agreement: setup
	$(PY) scripts/agreement.py

# The one gate: data problems first, then sources, generated files, coverage and adjudication.
# `frictionless validate`, the independent cross-check, runs in `make test` and `make release`.
validate: setup
	$(PY) scripts/validate.py

validate-cff: setup-cff
	$(VENV_CFF)/bin/cffconvert --validate --infile CITATION.cff

# One process: the gate, then the database from the tables the gate read.
build: setup
	$(PY) scripts/build.py

# make serve [WORKERS=4]: several worker processes share the immutable database.
serve: build
	$(PY) scripts/serve.py --host 127.0.0.1 --port $(PORT) --workers $(WORKERS)

# Every test, and ruff, in one process per core (pytest-xdist; TEST_WORKERS=0 runs them in this
# process, in order). CI runs this.
test: setup setup-cff setup-axe
	$(VENV)/bin/ruff check --quiet .
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The inner loop, in seconds: ruff and the data and unit tests (no browser, no served site, nothing
# marked slow); `make test` runs them all.
check: setup
	$(VENV)/bin/ruff check --quiet .
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m "not browser and not served and not slow"

# The browser tests, saving a screenshot of each page they read, at 400 and 1400 pixels, to
# build/screenshots/ for looking at; `make test` runs the same tests and saves none.
screenshots: setup setup-axe
	SAVE_SCREENSHOTS=1 $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -m browser

# Not part of `make test`: 20,000 requests on loopback take minutes.
load: build
	$(PY) benchmarks/load.py --port $(LOAD_PORT)

# Refuses a dirty tree or an un-bumped version before spending time on validation.
release: setup setup-cff
	$(PY) scripts/release.py --check
	$(PY) scripts/validate.py --frictionless
	$(MAKE) --no-print-directory validate-cff
	$(PY) scripts/release.py

# make diff FROM=<version or git ref> [TO=<version or git ref>; default the working tree]
diff: setup
	$(PY) scripts/diff.py --from "$(FROM)" --to "$(TO)"

# Timings against frictionless and sqlite-utils up to 1M rows per table, and Datasette under load;
# the test suite (make check, make test); writes docs/generated/benchmarks.md. Takes about 35
# minutes on 2 cores; never part of `make test`.
# make bench [BENCH_ARGS="--sizes 10000"]
bench: build
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

# Deploy (docs in README, "Serving beyond one process, and beyond one machine"): a container image made by `datasette package`
# (needs Docker), or a Google Cloud Run service by `datasette publish cloudrun` (needs gcloud).
package: build
	$(PY) scripts/deploy.py package

publish-cloudrun: build
	$(PY) scripts/deploy.py cloudrun

clean:
	rm -rf build dist

# Two commands for a newcomer: `make app` (set up, build what is missing, start the app)
# and `make test` (set up, run the test suite). Everything else is a helper of those two.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: app test eval bench install clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

app: install
	$(PY) app.py

test: install
	@# The generated-PDF tests typeset with DejaVu and the UI test drives Debian's chromium; install what is missing.
	@missing=""; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf || missing="$$missing fonts-dejavu-core"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi
	$(PY) -m pytest -q

# The retrieval evaluation: every system and ablation over eval/questions, report in docs/eval/.
eval: install
	$(PY) -m eval --ablations --report docs/eval
	$(PY) -m eval --answers --report docs/eval
	$(PY) -m eval --concordance --report docs/eval

# Speed and memory on this machine, table in docs/benchmarks.md.
bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) data .pytest_cache

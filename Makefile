# The two commands of the README: `make run` (install + start the app, corpus indexed, offline)
# and `make test` (install + the whole test suite, the eval gate and the browser test).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test test-fast install install-test chromium cjk-font lint eval bench

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# torch 2.13.0 first: it is the CPU wheel on local disk; anything else pulls a multi-GB CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(VENV)/bin/assistant serve

chromium:
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# a CJK font for the OCR tests, which render Chinese text to an image and recognise it
cjk-font:
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || (apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei >/dev/null)

lint: install-test
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

eval: install
	$(VENV)/bin/assistant ingest --json
	$(VENV)/bin/assistant eval --split test --gate
	$(VENV)/bin/assistant eval --split blind --gate
	# staff corrections accepted as regression cases (eval/reported*.jsonl; passes while there are none)
	$(VENV)/bin/assistant eval --split reported --gate
	# documents nobody tuned on (eval/unseen/, its own index under build/)
	$(VENV)/bin/assistant eval --split unseen-test --gate
	# a CI-sized slice of a public benchmark (the full runs: see README, Evaluation)
	$(VENV)/bin/assistant eval --dataset rgb --limit 60

# unit tests of the stages with fakes only (no server, no browser, no real model): a quick check while editing
FAST := tests/test_answer_stages.py tests/test_evaluate.py tests/test_places_and_time.py tests/test_clean.py tests/test_chunk.py \
	tests/test_bm25.py tests/test_metadata.py tests/test_load.py
test-fast: install-test
	$(VENV)/bin/pytest -q -m "not slow and not browser" $(FAST)

test: install-test chromium cjk-font lint
	$(VENV)/bin/pytest -q
	$(MAKE) eval

# Everything a fresh machine needs: `make demo` (install + whole graph on the sample corpus), `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export LLMP_DATA_DIR ?= $(CURDIR)/.data
export DAGSTER_HOME ?= $(LLMP_DATA_DIR)/dagster_home
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export HF_HUB_OFFLINE := 1
export MLFLOW_DISABLE_TELEMETRY := true

.PHONY: install system-deps demo test test-fast lint ui reports mlflow-ui serve clean-data bench-pii bench-pii-regression bench bench-serving bench-parity bench-reproducible bench-quality bench-scale

# Debian packages the test suite drives: Chromium (the UI test) and PostgreSQL (the shared-database test).
# Installed when missing and apt-get is usable (root); otherwise those tests skip, unless LLMP_REQUIRE_* is set (CI).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql >/dev/null) \
	      || echo "note: apt-get could not install chromium/postgresql"; \
	  else echo "note: chromium/postgresql missing and apt-get unavailable: the UI and PostgreSQL tests will skip"; fi; \
	fi

install: $(VENV)/.installed

# torch first, pinned: it resolves to the CPU build on local disk; an open range pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml requirements/no-deps.txt requirements/bench-data.txt requirements/bench-data-no-deps.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	$(PY) -m pip install -q --no-deps --ignore-requires-python --require-hashes -r requirements/no-deps.txt
	$(PY) -m pip install -q --require-hashes -r requirements/bench-data.txt
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements/bench-data-no-deps.txt
	touch $@

$(DAGSTER_HOME)/dagster.yaml: install
	$(PY) -m llm_assets.settings $@

demo: install $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/llm-pipeline demo

test: install system-deps
	$(PY) -m pytest -q -n 2 --dist worksteal

test-fast: install
	$(PY) -m pytest -q -m "not slow and not real_model"

# the anonymizer on third-party material: by kind of document (e-mails ... CSV, logs, transcripts), then sentences
bench-pii: install
	$(PY) -m benchmarks.pii_docs.run --split test --out $(LLMP_DATA_DIR)/bench-pii-docs.json
	$(PY) -m benchmarks.pii_dev.run --split test --out $(LLMP_DATA_DIR)/bench-pii.json

bench-pii-regression: install
	$(PY) -m benchmarks.pii.run

bench: install
	$(PY) -m benchmarks.task_floor
	$(PY) -m benchmarks.pipeline.run --out $(LLMP_DATA_DIR)/bench.json
	$(PY) -m benchmarks.serving.run --out $(LLMP_DATA_DIR)/bench-serving.json
	$(PY) -m benchmarks.scale.run --out $(LLMP_DATA_DIR)/bench-scale.json

# anonymization cost per 1,000 documents at 1k and 10k, and the local pool vs Ray actors at the same core count
bench-scale: install
	$(PY) -m benchmarks.scale.run --out $(LLMP_DATA_DIR)/bench-scale.json

# the fine-tune against the base model, zero- and few-shot, on corpora nobody here wrote (README "Your own documents"):
# make bench-quality CORPORA="/data/bitext-customer-support /data/bueck-customer-support-tickets" [MAX_STEPS=150]
# (each folder cut from its public source by `python -m benchmarks.quality.corpora`: sources, licences, sha256 there)
bench-quality: install
	$(PY) -m benchmarks.quality.run $(addprefix --corpus ,$(CORPORA)) $(if $(MAX_STEPS),--max-steps $(MAX_STEPS))

bench-serving: install
	$(PY) -m benchmarks.serving.run --out $(LLMP_DATA_DIR)/bench-serving.json

# the generation engine's answers against the transformers path's, on the champion and test split of `make demo`
bench-parity: install
	$(PY) -m benchmarks.serving.parity --out $(LLMP_DATA_DIR)/bench-parity.json

# the engine's greedy answers in two runs at once, per engine thread count: how many are the same; then the
# evaluation's generation plans (one engine on every core vs one-thread engines on parts), timed side by side
bench-reproducible: install
	$(PY) -m benchmarks.serving.reproducible
	$(PY) -m benchmarks.serving.parts

lint: install
	$(VENV)/bin/ruff check llm_assets resources sensors jobs tests benchmarks

# the reports' static route (loopback only) runs beside the UI and stops with it
ui: install $(DAGSTER_HOME)/dagster.yaml
	mkdir -p $(LLMP_DATA_DIR)/artifacts/reports
	$(PY) -m http.server 3001 --bind 127.0.0.1 --directory $(LLMP_DATA_DIR)/artifacts/reports >/dev/null 2>&1 & \
	trap "kill $$!" EXIT INT TERM; $(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000

reports:
	mkdir -p $(LLMP_DATA_DIR)/artifacts/reports
	$(PY) -m http.server 3001 --bind 127.0.0.1 --directory $(LLMP_DATA_DIR)/artifacts/reports

# the champion on loopback: POST /v1/tickets, POST /v1/feedback, GET /health (see README "Serving")
serve: install $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/llm-pipeline serve --host 127.0.0.1 --port 8080

mlflow-ui: install
	$(VENV)/bin/mlflow ui --host 127.0.0.1 --port 5000 --backend-store-uri sqlite:///$(LLMP_DATA_DIR)/mlflow/mlflow.db

clean-data:
	rm -rf $(LLMP_DATA_DIR)

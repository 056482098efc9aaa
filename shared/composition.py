"""Composition root: the only module that reads the environment and builds clients.

Every builder is lazy and cached, so importing this module costs only the Settings class, whose validator
is built on first use (the drafting service, its prompts and guardrails are imported by the builder that
needs them), and a Lambda container builds each client once, on first use. Handlers never call these
builders themselves: their dependency providers (functions/dependencies.py) do, and tests override those
providers instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_sesv2.client import SESV2Client

    from shared.adapters.dynamodb_history import DynamoDBHistoryStore
    from shared.email.ports import Mailer, RawEmailStore
    from shared.ports import DraftModel
    from shared.prompts import PromptLibrary
    from shared.service import DraftingService
    from shared.usecases.create_draft import CreateDraft

# prompts/ sits next to shared/ in the repo and in the deployed artifact (CodeUri is the repo root).
PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
# The client asks for the key on every call and Powertools caches it this long: a rotated key is picked up
# without a cold start, and Secrets Manager is not called once per draft.
SECRET_MAX_AGE_SECONDS = 300
# The pepper of verification codes where none is configured: `noask serve`, `sam local` and tests. Deployed,
# the template generates one in Secrets Manager; a deployed function without either refuses to mail codes.
LOCAL_CODE_PEPPER = b"noask-local-code-pepper"


class Settings(BaseModel):
    """The environment, validated once. Names and defaults: docs/CONTRACTS.md."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="ignore", hide_input_in_errors=True)

    model: str = Field(default="gpt-4o-mini", alias="NOASK_MODEL")
    openai_api_key: str | None = Field(default=None, alias="OPENAI_API_KEY", repr=False)
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    openai_api_key_secret_name: str | None = Field(default=None, alias="OPENAI_API_KEY_SECRET_NAME")
    temperature: float = Field(default=0.4, alias="NOASK_TEMPERATURE", ge=0.0, le=2.0)
    history_table: str = Field(default="noask-history", alias="NOASK_HISTORY_TABLE")
    idempotency_table: str = Field(default="noask-idempotency", alias="NOASK_IDEMPOTENCY_TABLE")
    daily_draft_quota: int = Field(default=50, alias="NOASK_DAILY_DRAFT_QUOTA", ge=0)
    dynamodb_endpoint: str | None = Field(default=None, alias="NOASK_DYNAMODB_ENDPOINT")
    drafting_address: str = Field(default="drafts@example.com", alias="NOASK_DRAFTING_ADDRESS")
    code_pepper: str | None = Field(default=None, alias="NOASK_CODE_PEPPER", repr=False)
    code_pepper_secret: str | None = Field(default=None, alias="NOASK_CODE_PEPPER_SECRET")
    app_url: str | None = Field(default=None, alias="NOASK_APP_URL")
    cognito_domain_url: str | None = Field(default=None, alias="NOASK_COGNITO_DOMAIN_URL")
    cognito_client_id: str | None = Field(default=None, alias="NOASK_COGNITO_CLIENT_ID")
    service_name: str = Field(default="noask", alias="POWERTOOLS_SERVICE_NAME")
    metrics_namespace: str = Field(default="noask", alias="POWERTOOLS_METRICS_NAMESPACE")
    # Set by `sam local`, `noask invoke` and `noask serve`: mail that is not a reply stays on this machine.
    sam_local: bool = Field(default=False, alias="AWS_SAM_LOCAL")
    lambda_function_name: str | None = Field(default=None, alias="AWS_LAMBDA_FUNCTION_NAME")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        # The template declares every variable, so "not set" often arrives as an empty string: it means the default.
        return cls.model_validate({name: value for name, value in environ.items() if value.strip()})

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url or self.openai_api_key_secret_name)

    @property
    def deployed(self) -> bool:
        """Running in AWS Lambda, not under `sam local`, `noask invoke` or `noask serve` (which set AWS_SAM_LOCAL)."""
        return bool(self.lambda_function_name) and not self.sam_local


# ---- Builders ---------------------------------------------------------------------------------


@cache
def settings() -> Settings:
    return Settings.from_environ(os.environ)


@cache
def prompt_library() -> PromptLibrary:
    from shared.prompts import PromptLibrary

    return PromptLibrary(PROMPTS_DIR)


@cache
def draft_model() -> DraftModel | None:
    """The configured LLM, or None: the offline composer then writes every draft."""
    config = settings()
    if not config.llm_configured:
        return None
    from shared.adapters.openai_model import OpenAIDraftModel

    return OpenAIDraftModel(
        model=config.model,
        api_key=_openai_api_key(config),
        base_url=config.openai_base_url,
        temperature=config.temperature,
    )


@cache
def drafting_service() -> DraftingService:
    from shared.service import DraftingService

    model = draft_model()
    if model is None:
        return DraftingService(None, prompt_library())
    from shared.guardrails.judge import AskJudge

    # With a model configured, a draft that passed every check gets the judge's second reading for asks.
    return DraftingService(model, prompt_library(), judge=AskJudge(model, PROMPTS_DIR))


def create_draft_without_history() -> CreateDraft:
    """The same use case for the CLI, which keeps no history and takes no quota."""
    from shared.usecases.create_draft import CreateDraft

    return CreateDraft(drafting_service(), None, daily_quota=settings().daily_draft_quota)


@cache
def dynamodb_client() -> DynamoDBClient:
    """The DynamoDB client every table adapter shares; DynamoDB Local when NOASK_DYNAMODB_ENDPOINT is set."""
    import boto3
    from botocore.config import Config

    config = settings()
    # The SDK's defaults (60 s per attempt, legacy retries) could outlast the API's 30 s on their own.
    client_config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})
    if not config.dynamodb_endpoint:
        return boto3.client("dynamodb", config=client_config)
    # A local endpoint gets dummy credentials, never real ones; DynamoDB Local runs with -sharedDb,
    # so the region and key do not select a separate database.
    return boto3.client(
        "dynamodb",
        endpoint_url=config.dynamodb_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - not a secret: DynamoDB Local accepts any key
        config=client_config,
    )


@cache
def history_store() -> DynamoDBHistoryStore:
    """Drafts, quotas, profiles and sending addresses: one table, one store."""
    from shared.adapters.dynamodb_history import DynamoDBHistoryStore

    return DynamoDBHistoryStore(settings().history_table, dynamodb_client)


@cache
def idempotency_store() -> BasePersistenceLayer:
    """Powertools' idempotency records, in the idempotency table, through the shared DynamoDB client."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(table_name=settings().idempotency_table, boto3_client=dynamodb_client())


@cache
def mailer() -> Mailer:
    """Replies by SES v2, from the drafting address only."""
    from shared.adapters.ses_mailer import SesMailer

    def client() -> SESV2Client:
        import boto3
        from botocore.config import Config

        return boto3.client("sesv2", config=Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard"}))

    return SesMailer(client, from_address=settings().drafting_address)


@cache
def code_mailer() -> Mailer:
    """Verification codes: by SES when deployed; written to stderr when run locally, never to a real inbox."""
    if settings().sam_local:
        import sys

        from shared.adapters.log_mailer import LogMailer

        return LogMailer(sys.stderr)
    return mailer()


@cache
def code_pepper() -> bytes:
    """The server-side secret in every verification code's hash: read on the first code, never at import.

    Cached for the container's life: it never rotates (a new one would only expire the codes out, 15 minutes)."""
    config = settings()
    if config.code_pepper:
        return config.code_pepper.encode()
    # Run locally, the template's !Ref resolves to the secret's logical id, as SAM does: there is nothing to read.
    if config.code_pepper_secret and not config.sam_local:
        # Imported here: Powertools parameters pulls in boto3, which only deployed functions need.
        from aws_lambda_powertools.utilities import parameters

        return parameters.get_secret(config.code_pepper_secret).encode()
    if config.deployed:
        raise RuntimeError("NOASK_CODE_PEPPER_SECRET is not set: verification codes are not mailed without a pepper.")
    return LOCAL_CODE_PEPPER


@cache
def raw_email_store() -> RawEmailStore:
    """The raw messages SES stores in the email bucket."""
    from shared.adapters.s3_raw_email import S3RawEmailStore

    def client() -> S3Client:
        import boto3
        from botocore.config import Config

        return boto3.client("s3", config=Config(connect_timeout=2, read_timeout=20, retries={"mode": "standard"}))

    return S3RawEmailStore(client)


def reset() -> None:
    """Forget every cached setting and client (tests that change the environment call this)."""
    builders = (settings, prompt_library, draft_model, drafting_service, dynamodb_client, history_store, idempotency_store)
    for builder in (*builders, mailer, code_mailer, code_pepper, raw_email_store):
        builder.cache_clear()


def _openai_api_key(config: Settings) -> str | Callable[[], str] | None:
    if not config.openai_api_key_secret_name:
        return config.openai_api_key
    secret_name = config.openai_api_key_secret_name

    def read_secret() -> str:
        # Imported here: Powertools parameters pulls in boto3, which only deployed functions need.
        from aws_lambda_powertools.utilities import parameters
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        from shared.ports import ModelError

        try:
            return parameters.get_secret(secret_name, max_age=SECRET_MAX_AGE_SECONDS)
        except GetParameterError as error:
            # A ModelError, so the draft falls back to the offline composer instead of failing.
            raise ModelError("Could not read the model API key from Secrets Manager.", transient=False, code="auth") from error

    return read_secret

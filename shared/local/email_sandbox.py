"""A local stand-in for the AWS side of the email path: moto for S3 and SES, DynamoDB Local (or moto) for history.

`noask invoke InboundEmailFunction -e events/inbound_email/<name>.json` runs the handler inside
`sandbox_for_event`: the bucket the event names is created in moto's S3 and the sample the key names
(`<name>.eml` from tests/data/emails or events/inbound_email) is stored under that key, the drafting
address is verified in moto's SES, the sample senders in tests/data/emails/profiles.json are registered
(never over an existing profile), and the replies SES "sent" are printed when the run ends.

DynamoDB requests to the DynamoDB Local endpoint pass through moto untouched; without an endpoint,
moto's DynamoDB holds the template's tables for the run. Nothing is ever sent to AWS.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import unquote_plus

from shared.adapters.dynamodb_history import DynamoDBHistoryStore
from shared.history import Profile
from shared.local.dynamodb import LOCAL_TABLE_NAMES, REPO_ROOT, TEMPLATE_PATH, load_template, local_client, table_definitions
from shared.usecases.sender_addresses import normalise_address

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_sesv2.client import SESV2Client

SAMPLE_DIRS = (REPO_ROOT / "tests" / "data" / "emails", REPO_ROOT / "events" / "inbound_email")
LOCAL_PROFILES = REPO_ROOT / "tests" / "data" / "emails" / "profiles.json"
SANDBOX_REGION = "us-east-1"


class SandboxError(RuntimeError):
    """The event names a sample that does not exist, or the sandbox could not be set up."""


class EmailSandbox(AbstractContextManager["EmailSandbox"]):
    def __init__(
        self,
        *,
        drafting_address: str,
        dynamodb_endpoint: str | None = None,
        table_names: Mapping[str, str] = LOCAL_TABLE_NAMES,
        region: str = SANDBOX_REGION,
    ) -> None:
        """`table_names` maps the template's table logical ids to the names the function uses."""
        self.drafting_address = drafting_address
        self.dynamodb_endpoint = dynamodb_endpoint or None
        self.table_names = dict(table_names)
        self.region = region
        self._mock: Any = None

    def __enter__(self) -> EmailSandbox:
        from moto import mock_aws
        from moto.core.config import DefaultConfig, default_user_config

        config: DefaultConfig = {"core": {**default_user_config.get("core", {})}}
        if self.dynamodb_endpoint:
            # Only DynamoDB Local's own URL goes out; every other AWS call stays inside moto.
            endpoint = re.escape(self.dynamodb_endpoint.rstrip("/")) + r"(/.*)?$"
            config["core"]["passthrough"] = {"urls": [endpoint], "services": []}
        self._mock = mock_aws(config=config)
        self._mock.start()
        try:
            self._ses().create_email_identity(EmailIdentity=self.drafting_address)
            if not self.dynamodb_endpoint:
                self._create_tables()
        except Exception:
            self._mock.stop()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None) -> None:
        self._mock.stop()

    def _s3(self) -> S3Client:
        import boto3

        return boto3.client("s3", region_name=self.region)

    def _ses(self) -> SESV2Client:
        import boto3

        return boto3.client("sesv2", region_name=self.region)

    def _dynamodb(self) -> DynamoDBClient:
        if self.dynamodb_endpoint:
            return local_client(self.dynamodb_endpoint)
        import boto3

        return boto3.client("dynamodb", region_name=self.region)

    def _create_tables(self) -> None:
        client = self._dynamodb()
        for definition in _template_tables(tuple(sorted(self.table_names.items()))):
            ttl = definition.get("TimeToLiveSpecification")
            client.create_table(**{key: value for key, value in definition.items() if key != "TimeToLiveSpecification"})
            if ttl is not None:
                client.update_time_to_live(TableName=definition["TableName"], TimeToLiveSpecification=ttl)

    @property
    def history(self) -> DynamoDBHistoryStore:
        return DynamoDBHistoryStore(self.table_names["HistoryTable"], self._dynamodb)

    def put_email(self, bucket: str, key: str, raw: bytes) -> None:
        s3 = self._s3()
        if bucket not in {found["Name"] for found in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key=key, Body=raw)

    def put_samples_for(self, event: Mapping[str, Any]) -> list[str]:
        """Store the sample each S3 record's key names; returns the keys stored."""
        keys = []
        for record in event.get("Records", []):
            key = unquote_plus(record["s3"]["object"]["key"])
            self.put_email(record["s3"]["bucket"]["name"], key, find_sample(Path(key).name).read_bytes())
            keys.append(key)
        return keys

    def register(self, profiles: Sequence[Profile]) -> list[Profile]:
        """Register each profile whose address and user are both free, its address verified; returns those registered."""
        history = self.history
        registered = []
        for profile in profiles:
            if history.address_holder(profile.email) is None and history.get_profile(profile.user_id) is None:
                history.put_profile(profile)
                # The sandbox's sample senders stand for users who verified their address.
                address = normalise_address(profile.email)
                history.confirm_address(profile.user_id, address, verified_at=time.time(), verified_by="code", code_hash=None)
                registered.append(profile)
        return registered

    def replies(self) -> list[EmailMessage]:
        """Every message moto's SES accepted, parsed as the recipient's client would."""
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        parser = BytesParser(policy=policy.default)
        sent = ses_backends[DEFAULT_ACCOUNT_ID][self.region].sent_messages
        replies = []
        for message in sent:
            parsed = parser.parsebytes(message.raw_data.encode())
            if isinstance(parsed, EmailMessage):
                replies.append(parsed)
        return replies


@cache
def _template_tables(names: tuple[tuple[str, str], ...]) -> tuple[dict[str, Any], ...]:
    return tuple(table_definitions(load_template(TEMPLATE_PATH), dict(names)).values())


def find_sample(name: str) -> Path:
    for directory in SAMPLE_DIRS:
        candidate = directory / f"{name}.eml"
        if candidate.is_file():
            return candidate
    available = sorted({path.stem for directory in SAMPLE_DIRS for path in directory.glob("*.eml")})
    raise SandboxError(f"no sample {name}.eml for this event's key; samples: {', '.join(available)}")


def local_profiles(path: Path = LOCAL_PROFILES) -> list[Profile]:
    return [Profile.model_validate(item) for item in json.loads(path.read_text(encoding="utf-8"))]


def reply_text(message: EmailMessage) -> str:
    """The plain-text part as a reader sees it (the raw message travels with CRLF line ends)."""
    body = message.get_body(("plain",))
    return body.get_content().replace("\r\n", "\n") if isinstance(body, EmailMessage) else ""


def describe_reply(message: EmailMessage) -> str:
    headers = f"To: {message['To']}\nSubject: {message['Subject']}\nAuto-Submitted: {message['Auto-Submitted']}"
    return f"{headers}\n\n{reply_text(message)}"


@contextmanager
def sandbox_for_event(event: Mapping[str, Any], environ: Mapping[str, str], out: TextIO = sys.stderr) -> Iterator[EmailSandbox]:
    """The sandbox `noask invoke` runs InboundEmailFunction in, configured from the function's environment."""
    sandbox = EmailSandbox(
        drafting_address=environ.get("NOASK_DRAFTING_ADDRESS") or "drafts@example.com",
        dynamodb_endpoint=environ.get("NOASK_DYNAMODB_ENDPOINT"),
        table_names={
            "HistoryTable": environ.get("NOASK_HISTORY_TABLE") or LOCAL_TABLE_NAMES["HistoryTable"],
            "IdempotencyTable": environ.get("NOASK_IDEMPOTENCY_TABLE") or LOCAL_TABLE_NAMES["IdempotencyTable"],
        },
        region=environ.get("AWS_REGION") or SANDBOX_REGION,
    )
    with sandbox:
        sandbox.put_samples_for(event)
        sandbox.register(local_profiles())
        try:
            yield sandbox
        finally:
            replies = sandbox.replies()
            print(f"--- moto SES captured {len(replies)} reply(ies) ---", file=out)
            for reply in replies:
                print(describe_reply(reply), file=out)

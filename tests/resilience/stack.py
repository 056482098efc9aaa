"""What the resilience suites (and the benchmark) share.

- sample requests, and a model answer for them that passes every check;
- `environment()`: the variables a deployed function would see, pointed at DynamoDB Local and, when
  given, a fake OpenAI server; the composition root is reset on the way in and out;
- `HandlerClient`: DraftApiFunction's real handler, called in this process with the v2 events the
  local server builds;
- `stored_drafts()`: every draft item in the history table, each read back through the real store.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from shared import composition
from shared.adapters.dynamodb_history import DynamoDBHistoryStore
from shared.composer import compose_offline
from shared.history import DraftRecord
from shared.local.dynamodb import LOCAL_TABLE_NAMES, load_template, local_client
from shared.local.invoke import LambdaContext, function_spec
from shared.local.server import http_api_event, http_api_routes, match_route
from shared.models import CHANNEL_SPECS, Channel, DraftRequest
from tests.support.fake_openai import ReceivedRequest, Reply

SAMPLE_REQUESTS: tuple[DraftRequest, ...] = (
    DraftRequest(
        target_bio=(
            "Maya leads the data platform team at Northwind Analytics. Outside work she spends weekends trail running "
            "in the Dolomites and volunteers at a Saturday coding club for teenagers."
        ),
        pitch="I'm a data engineer who builds streaming pipelines for climate researchers.",
        channel=Channel.LINKEDIN_MESSAGE,
        target_name="Maya",
    ),
    DraftRequest(
        target_bio=(
            "Product designer at a health-tech company, working on patient onboarding. "
            "Outside work I restore vintage road bikes and sing in a community choir."
        ),
        pitch="I'm a UX researcher with six years in healthcare products, now looking at climate tech.",
        channel=Channel.EMAIL,
    ),
    DraftRequest(
        target_bio="Infrastructure lead, mostly Kubernetes and cost control. Marathon runner and amateur astronomer.",
        pitch="I'm a backend developer who builds payment services in Go, moving into platform engineering.",
        channel=Channel.LINKEDIN_NOTE,
        target_name="Sam",
    ),
)

DRAFT_API = "DraftApiFunction"
DRAFTING_ADDRESS = "drafts@noask.example"
INBOUND_EMAIL = "InboundEmailFunction"


def request_body(request: DraftRequest) -> dict[str, Any]:
    return request.model_dump(mode="json", exclude_none=True)


def good_answer(request: DraftRequest) -> Reply:
    """What a well-behaved model answers: the offline composer's draft, which passes every check, as the model's JSON."""
    draft = compose_offline(request)
    return Reply.json(
        {
            "subject": draft.subject,
            "body": draft.body,
            "shared_interest_topic": draft.shared_interest.topic or "",
            "bio_evidence": draft.shared_interest.bio_evidence or "",
        }
    )


_PROMPT_FIELD = re.compile(r"<(bio|pitch|target_name|sender_name)>\n?(.*?)\n?</\1>", re.DOTALL)
_PROMPT_CHANNEL = re.compile(r"Channel: ([^\n]+?)\.\n")


def is_judge_request(received: ReceivedRequest) -> bool:
    """The ask judge's call (its answer schema is JudgeVerdict), as opposed to a draft or repair call."""
    return "JudgeVerdict" in json.dumps(received.body.get("response_format") or received.body.get("messages"))


def well_behaved_model(received: ReceivedRequest) -> Reply:
    """A responder that answers every draft prompt well: it reads the request back out of the user prompt
    (channel, bio, pitch, names) and answers with `good_answer` for it."""
    if is_judge_request(received):
        return Reply.json({"asks": False, "quote": ""})  # the judge's second reading of a clean draft
    prompt = received.contents("user")[0]  # the draft prompt; any later user message asks for a repair
    fields = dict(_PROMPT_FIELD.findall(prompt))
    # The channel is stated in the system message.
    channel_label = _PROMPT_CHANNEL.search(f"{received.system}\n{prompt}")
    channels = [channel for channel, spec in CHANNEL_SPECS.items() if channel_label and spec.label == channel_label.group(1)]
    if not channels or "bio" not in fields or "pitch" not in fields:
        return Reply.failure(400, code="unreadable_prompt", type="invalid_request_error", message="No request in the prompt.")
    request = DraftRequest(
        target_bio=fields["bio"],
        pitch=fields["pitch"],
        channel=channels[0],
        target_name=fields.get("target_name"),
        sender_name=fields.get("sender_name"),
    )
    return good_answer(request)


# ---- the environment a function sees ----------------------------------------------------------


def function_variables(dynamodb_endpoint: str, *, llm_base_url: str | None = None) -> dict[str, str | None]:
    """Variables for a function run in this process: DynamoDB Local, the model (or none: the offline composer),
    a quota no suite reaches, dummy AWS credentials, and Powertools settings. None removes a variable."""
    return {
        "NOASK_DYNAMODB_ENDPOINT": dynamodb_endpoint,
        "NOASK_HISTORY_TABLE": LOCAL_TABLE_NAMES["HistoryTable"],
        "NOASK_IDEMPOTENCY_TABLE": LOCAL_TABLE_NAMES["IdempotencyTable"],
        "NOASK_DAILY_DRAFT_QUOTA": "1000000",
        "NOASK_DRAFTING_ADDRESS": DRAFTING_ADDRESS,
        "NOASK_APP_URL": "https://app.noask.example/",
        "OPENAI_BASE_URL": llm_base_url,
        "OPENAI_API_KEY": "sk-resilience-test" if llm_base_url else None,
        "OPENAI_API_KEY_SECRET_NAME": None,
        "NOASK_MODEL": "fake-model",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None,
        "POWERTOOLS_SERVICE_NAME": "noask",
        "POWERTOOLS_METRICS_NAMESPACE": "noask-resilience",
        "POWERTOOLS_IDEMPOTENCY_DISABLED": None,
    }


@contextmanager
def environment(variables: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) variables; the composition root is rebuilt from them and everything is restored after."""
    saved = {name: os.environ.get(name) for name in variables}
    try:
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        composition.reset()
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        composition.reset()


# ---- DraftApiFunction in this process ---------------------------------------------------------


@dataclass(frozen=True)
class ApiReply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)


class HandlerClient:
    """Calls DraftApiFunction's handler as API Gateway would, for one signed-in user, with the template's timeout."""

    def __init__(self, user_id: str) -> None:
        from functions.draft_api import app

        self.user_id = user_id
        self._handler = app.handler
        self._routes = http_api_routes(load_template())
        self._timeout_seconds = function_spec(DRAFT_API).timeout_seconds

    def call(
        self, method: str, path: str, *, json_body: Any = None, headers: Mapping[str, str] | None = None, query: str = ""
    ) -> ApiReply:
        all_headers = {"content-type": "application/json"} if json_body is not None else {}
        all_headers.update(headers or {})
        found = match_route(self._routes, method, path)
        route, parameters = found if found else (None, {})
        event = http_api_event(
            method,
            path,
            query=query,
            headers=all_headers,
            body=None if json_body is None else json.dumps(json_body),
            route=route,
            path_parameters=parameters,
            claims={"sub": self.user_id},
        )
        result = self._handler(event, LambdaContext(DRAFT_API, 1024, self._timeout_seconds))
        headers_out = {str(name).lower(): str(value) for name, value in (result.get("headers") or {}).items()}
        return ApiReply(int(result["statusCode"]), headers_out, result.get("body") or "")

    def create(self, request: DraftRequest) -> ApiReply:
        return self.call("POST", "/drafts", json_body=request_body(request))

    def all_drafts(self) -> list[dict[str, Any]]:
        """Every draft in the caller's history, following the cursor to the last page."""
        drafts: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query = urlencode({"limit": 50, **({"cursor": cursor} if cursor else {})})
            page = self.call("GET", "/drafts", query=query)
            assert page.status == 200, page.text
            drafts += page.json["items"]
            cursor = page.json["cursor"]
            if cursor is None:
                return drafts


# ---- the history table as stored --------------------------------------------------------------


def stored_drafts(dynamodb_endpoint: str, *, user_prefix: str) -> list[DraftRecord]:
    """Every draft item in the history table (of users whose id starts with `user_prefix`), read back through
    the real store: an item that was half-written, or does not parse as a DraftRecord, raises."""
    client = local_client(dynamodb_endpoint)
    table = LOCAL_TABLE_NAMES["HistoryTable"]
    store = DynamoDBHistoryStore(table, lambda: client)
    records: list[DraftRecord] = []
    for page in client.get_paginator("scan").paginate(
        TableName=table,
        ProjectionExpression="pk, sk",
        FilterExpression="begins_with(pk, :user) AND begins_with(sk, :draft)",
        ExpressionAttributeValues={":user": {"S": f"USER#{user_prefix}"}, ":draft": {"S": "DRAFT#"}},
        ConsistentRead=True,
    ):
        for item in page.get("Items", []):
            user_id = item["pk"]["S"].removeprefix("USER#")
            draft_id = item["sk"]["S"].removeprefix("DRAFT#")
            record = store.get_draft(user_id, draft_id)
            assert record is not None, f"{item} vanished between scan and read"
            records.append(record)
    return records

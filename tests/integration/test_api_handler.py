"""DraftApiFunction through its real handler, with v2 events from the local server's event builder.

Every test runs twice: on in-memory fakes and on DynamoDB Local. Dependencies are swapped through
`app.dependency_overrides` (no environment variables, no cache resets), as the routes receive them.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest

from functions import dependencies
from functions.draft_api import app
from functions.draft_api.gate import MAX_BODY_BYTES
from shared.adapters.dynamodb_history import DynamoDBHistoryStore
from shared.composer import compose_offline
from shared.composition import PROMPTS_DIR, Settings
from shared.local.dynamodb import LOCAL_TABLE_NAMES, load_template, local_client
from shared.local.invoke import LambdaContext
from shared.local.server import http_api_event, http_api_routes, match_route
from shared.models import DraftRequest
from shared.prompts import PromptLibrary
from shared.service import DraftingService
from tests.support.emails import CapturingMailer, MemoryHistory
from tests.support.fake_openai import FakeOpenAI, ReceivedRequest, Reply
from tests.support.memory_idempotency import MemoryIdempotencyStore

# Routes that count nothing flush no metrics; Powertools warns about each such flush.
pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:No application metrics to publish")]

ROUTES = http_api_routes(load_template())
BIO = (
    "Maya leads the data platform team at Northwind Analytics. Outside work she spends weekends trail running "
    "in the Dolomites and volunteers at a Saturday coding club for teenagers."
)
PITCH = "I'm a data engineer who builds streaming pipelines for climate researchers."
DRAFT = {"target_bio": BIO, "pitch": PITCH, "channel": "linkedin_message", "target_name": "Maya"}
DRAFTING_ADDRESS = "drafts@noask.example"
PROTECTED = [("POST", "/drafts"), ("GET", "/drafts"), ("GET", "/drafts/0123"), ("DELETE", "/drafts/0123"),
             ("POST", "/checks"), ("GET", "/profile"), ("PUT", "/profile"), ("POST", "/profile/addresses"),
             ("POST", "/profile/addresses/a@b.example/verify"), ("DELETE", "/profile/addresses/a@b.example")]  # fmt: skip


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class Client:
    """Calls app.handler as API Gateway would for one signed-in user (or none, with user=None)."""

    user: str | None
    email: str | None = None
    email_verified: bool = False

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        query: str = "",
    ) -> HttpReply:
        all_headers = {"content-type": "application/json"} if json_body is not None else {}
        all_headers.update(headers or {})
        if json_body is not None:
            body = json.dumps(json_body)
        found = match_route(ROUTES, method, path)
        route, parameters = found if found else (None, {})
        claims: dict[str, str] | None = None
        if self.user:
            claims = {"sub": self.user}
            if self.email:
                # As the HTTP API's JWT authorizer passes them: every claim a string.
                claims.update(email=self.email, email_verified="true" if self.email_verified else "false")
        event = http_api_event(
            method, path, query=query, headers=all_headers, body=body, route=route, path_parameters=parameters, claims=claims
        )
        result = app.handler(event, LambdaContext("DraftApiFunction", 1024, 29))
        headers = {name.lower(): value for name, value in result.get("headers", {}).items()}
        return HttpReply(result["statusCode"], headers, result.get("body") or "")

    def create(self, request: Mapping[str, Any] = DRAFT, key: str | None = None) -> HttpReply:
        return self.call("POST", "/drafts", json_body=request, headers={"Idempotency-Key": key} if key else None)


@dataclass
class Stack:
    """What the routes are given instead of the composition root's clients."""

    store: Any
    mailer: CapturingMailer = field(default_factory=CapturingMailer)
    settings: Settings = field(
        default_factory=lambda: Settings.model_validate(
            {"NOASK_DAILY_DRAFT_QUOTA": 1000, "NOASK_DRAFTING_ADDRESS": DRAFTING_ADDRESS}
        )
    )
    drafter: DraftingService = field(default_factory=lambda: DraftingService(None, PromptLibrary(PROMPTS_DIR)))
    idempotency: Callable[[], Any] = MemoryIdempotencyStore

    def overrides(self) -> dict[Callable[..., Any], Callable[..., Any]]:
        idempotency = self.idempotency()
        return {
            dependencies.history: lambda: self.store,
            dependencies.mailer: lambda: self.mailer,
            dependencies.code_mailer: lambda: self.mailer,
            dependencies.settings: lambda: self.settings,
            dependencies.drafter: lambda: self.drafter,
            dependencies.idempotency_store: lambda: lambda: idempotency,
        }

    def use(self, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        app.app.dependency_overrides.update(self.overrides())


@pytest.fixture(params=["memory", "dynamodb_local"])
def stack(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    # Powertools idempotency switched off by a developer's shell would make the idempotency tests meaningless.
    monkeypatch.delenv("POWERTOOLS_IDEMPOTENCY_DISABLED", raising=False)
    if request.param == "memory":
        built = Stack(store=MemoryHistory())
    else:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        endpoint = request.getfixturevalue("dynamodb_local")
        client = local_client(endpoint)
        built = Stack(
            store=DynamoDBHistoryStore(LOCAL_TABLE_NAMES["HistoryTable"], lambda: client),
            idempotency=lambda: DynamoDBPersistenceLayer(table_name=LOCAL_TABLE_NAMES["IdempotencyTable"], boto3_client=client),
        )
    built.use()
    yield built
    app.app.dependency_overrides.clear()


@pytest.fixture
def api_env(stack: Stack) -> Stack:
    return stack


@pytest.fixture
def llm(stack: Stack, fake_openai: FakeOpenAI) -> FakeOpenAI:
    """The fake OpenAI server as the drafting model, answering with a draft that passes every check."""
    from shared.adapters.openai_model import OpenAIDraftModel

    def answer(_: ReceivedRequest) -> Reply:
        draft = compose_offline(DraftRequest.model_validate(DRAFT))
        return Reply.json(
            {
                "subject": draft.subject,
                "body": draft.body,
                "shared_interest_topic": draft.shared_interest.topic or "",
                "bio_evidence": draft.shared_interest.bio_evidence or "",
            }
        )

    fake_openai.responder = answer
    model = OpenAIDraftModel(model="test-model", api_key="test-key", base_url=fake_openai.base_url)
    stack.use(drafter=DraftingService(model, PromptLibrary(PROMPTS_DIR)))
    return fake_openai


def a_user(**identity: Any) -> Client:
    return Client(f"user-{uuid.uuid4().hex}", **identity)


# ---- drafts ---------------------------------------------------------------------------------


def test_create_returns_201_with_location_and_the_stored_draft(api_env: Stack) -> None:
    client = a_user()
    created = client.create()
    assert created.status == 201
    draft = created.json
    assert created.headers["location"] == f"/drafts/{draft['id']}"
    assert draft["provider"] == "offline"
    assert draft["source"] == "web"
    assert draft["request"]["target_name"] == "Maya"
    assert draft["body"]
    assert draft["checks"]
    assert all(check["passed"] for check in draft["checks"])
    fetched = client.call("GET", created.headers["location"])
    assert fetched.status == 200
    assert fetched.json == draft


def test_list_is_newest_first_and_pages_with_an_opaque_cursor(api_env: Stack) -> None:
    client = a_user()
    created = [client.create({**DRAFT, "target_name": f"Person {n}"}).json["id"] for n in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = client.call("GET", "/drafts", query="limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert page.status == 200
        assert len(page.json["items"]) <= 2
        seen += [item["id"] for item in page.json["items"]]
        cursor = page.json["cursor"]
        pages += 1
        if cursor is None:
            break
    assert seen == list(reversed(created))
    assert pages == 3


def test_a_cursor_we_did_not_issue_is_400_naming_the_cursor(api_env: Stack) -> None:
    reply = a_user().call("GET", "/drafts", query="cursor=bm90LWEtY3Vyc29y")
    assert reply.status == 400
    assert reply.json["error"]["field"] == "cursor"


def test_another_users_cursor_is_refused(api_env: Stack) -> None:
    owner = a_user()
    for _ in range(3):
        owner.create()
    cursor = owner.call("GET", "/drafts", query="limit=1").json["cursor"]
    assert a_user().call("GET", "/drafts", query=f"cursor={cursor}").status == 400


def test_delete_removes_the_draft(api_env: Stack) -> None:
    client = a_user()
    draft_id = client.create().json["id"]
    deleted = client.call("DELETE", f"/drafts/{draft_id}")
    assert deleted.status == 204
    assert deleted.text == ""
    assert client.call("GET", f"/drafts/{draft_id}").status == 404
    assert client.call("DELETE", f"/drafts/{draft_id}").status == 404
    assert client.call("GET", "/drafts").json["items"] == []


def test_another_users_draft_is_not_found_never_forbidden(api_env: Stack) -> None:
    owner, stranger = a_user(), a_user()
    draft_id = owner.create().json["id"]
    for method in ("GET", "DELETE"):
        reply = stranger.call(method, f"/drafts/{draft_id}")
        assert reply.status == 404
        assert reply.json["error"]["code"] == "not_found"
    assert stranger.call("GET", "/drafts").json["items"] == []
    assert owner.call("GET", f"/drafts/{draft_id}").status == 200


def test_same_idempotency_key_returns_the_stored_draft_without_a_second_llm_call(llm: FakeOpenAI) -> None:
    client = a_user()
    key = uuid.uuid4().hex
    first = client.create(key=key)
    assert first.status == 201
    calls = len(llm.requests)
    assert calls >= 1
    retry = client.create(key=key)
    assert retry.status == 201
    assert retry.json == first.json
    assert retry.headers["location"] == first.headers["location"]
    assert len(llm.requests) == calls
    assert [item["id"] for item in client.call("GET", "/drafts").json["items"]] == [first.json["id"]]


def test_same_idempotency_key_with_a_different_body_is_422(api_env: Stack) -> None:
    client = a_user()
    key = uuid.uuid4().hex
    assert client.create(key=key).status == 201
    reused = client.create({**DRAFT, "pitch": "Something else entirely about my work."}, key=key)
    assert reused.status == 422
    assert reused.json["error"]["code"] == "idempotency_key_reused"
    assert len(client.call("GET", "/drafts").json["items"]) == 1


def test_the_same_key_from_two_users_makes_two_drafts(api_env: Stack) -> None:
    key = uuid.uuid4().hex
    first, second = a_user().create(key=key), a_user().create(key=key)
    assert first.status == second.status == 201
    assert first.json["id"] != second.json["id"]


def test_spent_quota_is_429_before_any_llm_call(llm: FakeOpenAI, stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    stack.use(settings=stack.settings.model_copy(update={"daily_draft_quota": 2}))
    client = a_user()
    assert [client.create().status for _ in range(2)] == [201, 201]
    calls = len(llm.requests)
    refused = client.create()
    assert refused.status == 429
    assert refused.json["error"]["code"] == "quota_exceeded"
    assert int(refused.headers["retry-after"]) > 0
    assert len(llm.requests) == calls
    assert len(client.call("GET", "/drafts").json["items"]) == 2
    assert '"QuotaExceeded"' in capsys.readouterr().out


def test_without_a_model_a_spent_quota_is_the_same_429_and_stores_nothing(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a model the quota and the history are one write: when it is refused, no draft is kept."""
    stack.use(settings=stack.settings.model_copy(update={"daily_draft_quota": 2}))
    client = a_user()
    assert [client.create().status for _ in range(2)] == [201, 201]
    refused = client.create({**DRAFT, "pitch": "I write about data quality for climate researchers."})
    assert refused.status == 429
    assert refused.json["error"]["code"] == "quota_exceeded"
    assert refused.json["error"]["message"] == "You have used all 2 drafts for today. The quota resets at midnight UTC."
    assert int(refused.headers["retry-after"]) > 0
    stored = client.call("GET", "/drafts").json["items"]
    assert len(stored) == 2
    assert all(draft["request"]["pitch"] == PITCH for draft in stored)
    assert '"QuotaExceeded"' in capsys.readouterr().out


def test_an_llm_draft_names_its_provider_and_model(llm: FakeOpenAI) -> None:
    created = a_user().create()
    assert created.status == 201
    assert created.json["provider"] == "openai"
    assert created.json["model"] == "test-model"
    assert created.json["attempts"] == 1
    assert len(llm.requests) == 1  # received: its answer is counted only after the handler has read it
    assert BIO in llm.requests[0].last_user


def test_a_failing_llm_falls_back_to_the_offline_composer(llm: FakeOpenAI) -> None:
    llm.enqueue(Reply.insufficient_quota())
    created = a_user().create()
    assert created.status == 201
    assert created.json["provider"] == "offline"
    assert created.json["fallback_reason"].startswith("insufficient_quota")


def test_logs_and_metrics_carry_no_bio_or_pitch(api_env: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    marker = uuid.uuid4().hex
    client = a_user()
    request = {**DRAFT, "target_bio": f"{BIO} Codeword {marker}.", "pitch": f"{PITCH} Ref {marker}."}
    assert client.create(request).status == 201
    assert client.call("POST", "/drafts", body="{not json " + marker).status == 400
    output = capsys.readouterr()
    assert '"DraftsCreated"' in output.out
    assert marker not in output.out + output.err


def test_metrics_and_logs_follow_the_settings_whenever_the_handler_was_imported(
    api_env: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The one test that sets the environment: what it checks is that Powertools follows it per invocation.
    from functions import observability as telemetry
    from shared import composition

    # What Powertools holds when the module was imported before any POWERTOOLS_* variable was set.
    monkeypatch.setattr(telemetry.metrics, "namespace", None)
    monkeypatch.setattr(telemetry.metrics, "service", None)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "noask-api")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "noask-late")
    composition.reset()

    assert a_user().create().status == 201

    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{") and '"_aws"' in line]
    assert emf, "no metrics were flushed"
    assert {directive["Namespace"] for line in emf for directive in line["_aws"]["CloudWatchMetrics"]} == {"noask-late"}
    assert {line["service"] for line in emf} == {"noask-api"}
    assert telemetry.logger.get_current_keys()["service"] == "noask-api"
    composition.reset()


# ---- errors ---------------------------------------------------------------------------------


def test_malformed_json_is_400_and_says_where(api_env: Stack) -> None:
    reply = a_user().call("POST", "/drafts", body='{"target_bio": "x", "pitch": }', headers={"content-type": "application/json"})
    assert reply.status == 400
    assert reply.json["error"]["code"] == "malformed_json"
    assert reply.json["error"]["message"] == "The request body is not valid JSON (the problem is at line 1, column 30)."


@pytest.mark.parametrize(
    ("body", "status", "code"), [("", 400, "missing_body"), ("null", 400, "missing_body"), ("[]", 422, "validation_error")]
)
def test_a_body_that_is_not_an_object_is_refused(api_env: Stack, body: str, status: int, code: str) -> None:
    reply = a_user().call("POST", "/drafts", body=body, headers={"content-type": "application/json"})
    assert reply.status == status
    assert reply.json["error"]["code"] == code


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_identity_is_401(api_env: Stack, method: str, path: str) -> None:
    body = {"target_bio": BIO, "pitch": PITCH} if method in ("POST", "PUT") else None
    reply = Client(None).call(method, path, json_body=body)
    assert reply.status == 401
    assert reply.json["error"]["code"] == "unauthenticated"


def test_an_unknown_route_is_404(api_env: Stack) -> None:
    reply = a_user().call("GET", "/nowhere")
    assert reply.status == 404
    assert reply.json["error"]["code"] == "not_found"


def test_a_body_over_the_bound_is_413_before_parsing(api_env: Stack) -> None:
    reply = a_user().call("POST", "/drafts", body="{" + " " * MAX_BODY_BYTES + "}", headers={"content-type": "application/json"})
    assert reply.status == 413
    assert reply.json["error"]["code"] == "body_too_large"


def test_a_non_json_content_type_is_415(api_env: Stack) -> None:
    reply = a_user().call(
        "POST", "/drafts", body="target_bio=x&pitch=y", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert reply.status == 415
    assert reply.json["error"]["field"] == "Content-Type"


@pytest.mark.parametrize(
    ("request_body", "field", "message"),
    [
        ({"target_bio": BIO}, "pitch", "Your pitch is missing: add a sentence or two about you."),
        ({"target_bio": "   ", "pitch": PITCH}, "target_bio",
         "Their bio is empty: paste it, the message opens with something it says."),
        ({"target_bio": "x" * 8_001, "pitch": PITCH}, "target_bio", "Their bio is too long: 8,001 characters, at most 8,000."),
        ({**DRAFT, "channel": "carrier_pigeon"}, "channel",
         "Where you will send it must be one of linkedin_note, linkedin_note_premium, linkedin_message or email."),
        ({**DRAFT, "favourite_colour": "teal"}, "favourite_colour",
         "This request cannot have a field called “favourite_colour”; leave it out."),
    ],
)  # fmt: skip
def test_invalid_fields_are_422_naming_the_field_in_a_sentence(
    api_env: Stack, request_body: dict[str, Any], field: str, message: str
) -> None:
    # `field` is for programs; the message names the field as the web form labels it.
    reply = a_user().create(request_body)
    assert reply.status == 422
    assert reply.json["error"]["code"] == "validation_error"
    assert reply.json["error"]["field"] == field
    assert reply.json["error"]["message"] == message


@pytest.mark.parametrize(
    ("pitch", "says"),
    [('"', "Your pitch has no sentence to send"), ("Could we hop on a quick call next week?", "Your pitch only asks")],
)
def test_a_pitch_that_leaves_nothing_to_send_is_422_in_a_sentence(api_env: Stack, pitch: str, says: str) -> None:
    reply = a_user().create({"target_bio": BIO, "pitch": pitch})
    assert reply.status == 422
    assert reply.json["error"]["code"] == "unsafe_draft"
    assert reply.json["error"]["message"].startswith(says)


def test_an_out_of_range_page_size_is_422(api_env: Stack) -> None:
    reply = a_user().call("GET", "/drafts", query="limit=0")
    assert reply.status == 422
    assert reply.json["error"]["field"] == "limit"
    assert reply.json["error"]["message"] == "The number of drafts per page must be at least 1."


def test_an_unexpected_failure_is_500_with_a_correlation_id_and_no_internals(
    api_env: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_write(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internal detail at /var/task/shared/adapters")

    monkeypatch.setattr(api_env.store, "put_draft_within_quota", broken_write)
    reply = a_user().create()
    assert reply.status == 500
    error = reply.json["error"]
    assert error["code"] == "internal_error"
    assert error["correlation_id"]
    assert "secret" not in reply.text
    assert "Traceback" not in reply.text
    assert "/var/task" not in reply.text


# ---- checks, profile, page, spec ------------------------------------------------------------


def test_checks_explain_an_ask_without_calling_the_llm(llm: FakeOpenAI) -> None:
    reply = a_user().call(
        "POST", "/checks", json_body={"text": "Loved your post on trail running! Would you be open to a quick call next week?"}
    )
    assert reply.status == 200
    report = reply.json
    assert report["ask"] is True
    assert report["passed"] is False
    assert any(violation["rule"] == "ask" and violation["span"] for violation in report["violations"])
    assert any(check["rule"] == "ask" and not check["passed"] for check in report["checks"])
    assert llm.requests == []


def test_checks_pass_a_no_ask_message(api_env: Stack) -> None:
    text = (
        "Hi Maya, I saw you run trails in the Dolomites; I ran the Alta Via 1 last summer. "
        "I build streaming pipelines for climate researchers."
    )
    reply = a_user().call("POST", "/checks", json_body={"text": text})
    assert reply.status == 200
    assert reply.json["ask"] is False


def test_checks_know_the_names_the_sender_s_interests_and_the_offer(api_env: Stack) -> None:
    bio = "Leads the data platform team. Swims in the lake every morning."
    text = (
        "Hi Maya, fellow open-water swimmer here! I'm a data engineer who builds streaming pipelines for climate "
        "researchers. Happy to send my Pipeline Health checklist if it's ever useful.\nSam"
    )
    bare = a_user().call("POST", "/checks", json_body={"text": text, "bio": bio, "pitch": PITCH}).json
    assert {violation["rule"] for violation in bare["violations"]} == {"invented_fact", "unsupported_claim"}
    assert {"Maya", "Pipeline Health"} <= {violation["span"] for violation in bare["violations"]}

    known = {
        "target_name": "Maya",
        "sender_name": "Sam",
        "sender_interests": "open water swimming, chess",
        "offer": "my Pipeline Health checklist",
    }
    reply = a_user().call("POST", "/checks", json_body={"text": text, "bio": bio, "pitch": PITCH, **known})
    assert reply.status == 200
    assert reply.json["violations"] == []
    assert "unsupported_claim" in {check["rule"] for check in reply.json["checks"]}
    too_long = a_user().call("POST", "/checks", json_body={"text": text, "offer": "x" * 301})
    assert too_long.status == 422


def test_profile_defaults_round_trip(api_env: Stack) -> None:
    owner = a_user()
    assert owner.call("GET", "/profile").json == {
        "pitch": "", "sender_name": None, "sender_interests": None, "offer": None, "addresses": []
    }  # fmt: skip
    defaults = {"pitch": PITCH, "sender_name": "Ada", "sender_interests": "trail running, chess", "offer": "my CI checklist"}
    saved = owner.call("PUT", "/profile", json_body=defaults)
    assert saved.status == 200
    assert owner.call("GET", "/profile").json == {**defaults, "addresses": []}
    too_long = owner.call("PUT", "/profile", json_body={"offer": "x" * 301})
    assert (too_long.status, too_long.json["error"]["field"]) == (422, "offer")
    assert owner.call("PUT", "/profile", json_body={"email": "not-an-address"}).status == 422


def code_mailed_to(stack: Stack, address: str) -> str:
    message: EmailMessage = [sent for sent in stack.mailer.sent if str(sent["To"]) == address][-1]
    found = re.search(r"[0-9]{6}", str(message["Subject"]))
    assert found is not None
    return found.group()


def test_an_address_is_verified_with_the_code_mailed_to_it(api_env: Stack) -> None:
    user, address = a_user(), f"{uuid.uuid4().hex}@example.com"
    added = user.call("POST", "/profile/addresses", json_body={"email": address.upper()})
    assert added.status == 201
    assert (added.json["email"], added.json["state"]) == (address, "pending")
    assert added.json["code_expires_at"]
    code = code_mailed_to(api_env, address)
    assert code not in added.text

    wrong = user.call(
        "POST", f"/profile/addresses/{address}/verify", json_body={"code": "000000" if code != "000000" else "111111"}
    )
    assert (wrong.status, wrong.json["error"]["code"], wrong.json["error"]["field"]) == (422, "wrong_code", "code")
    assert user.call("POST", f"/profile/addresses/{address}/verify", json_body={"code": "12ab56"}).status == 422
    verified = user.call("POST", f"/profile/addresses/{address.replace('@', '%40')}/verify", json_body={"code": code})
    assert (verified.status, verified.json["state"], verified.json["verified_by"]) == (200, "verified", "code")
    assert user.call("GET", "/profile").json["addresses"] == [
        {"email": address, "state": "verified", "verified_by": "code", "code_expires_at": None}
    ]
    assert user.call("DELETE", f"/profile/addresses/{address}").status == 204
    assert user.call("GET", "/profile").json["addresses"] == []
    assert user.call("DELETE", f"/profile/addresses/{address}").status == 404


def test_the_verified_sign_in_email_needs_no_code_and_an_unverified_one_does(api_env: Stack) -> None:
    address = f"{uuid.uuid4().hex}@example.com"
    verified = a_user(email=address, email_verified=True).call("POST", "/profile/addresses", json_body={"email": address})
    assert (verified.status, verified.json["state"], verified.json["verified_by"]) == (201, "verified", "sign_in")
    other = f"{uuid.uuid4().hex}@example.com"
    unverified = a_user(email=other, email_verified=False).call("POST", "/profile/addresses", json_body={"email": other})
    assert unverified.json["state"] == "pending"
    assert [str(sent["To"]) for sent in api_env.mailer.sent] == [other]


def test_the_longest_address_can_be_claimed_and_verified(api_env: Stack) -> None:
    address = f"{uuid.uuid4().hex}{'a' * 32}@{'b' * 180}.example"
    assert len(address) == 253
    user = a_user()
    assert user.call("POST", "/profile/addresses", json_body={"email": address}).status == 201
    verified = user.call("POST", f"/profile/addresses/{address}/verify", json_body={"code": code_mailed_to(api_env, address)})
    assert (verified.status, verified.json["state"]) == (200, "verified")


def test_codes_are_rate_limited_per_address_with_retry_after(api_env: Stack) -> None:
    address = f"{uuid.uuid4().hex}@example.com"
    statuses = [a_user().call("POST", "/profile/addresses", json_body={"email": address}) for _ in range(9)]
    assert [reply.status for reply in statuses] == [201] * 8 + [429]
    assert statuses[-1].json["error"]["code"] == "rate_limited"
    assert int(statuses[-1].headers["retry-after"]) > 0


def test_one_account_cannot_spend_an_addresss_codes_and_keep_its_owner_out(api_env: Stack) -> None:
    """Before, three codes an hour per address counted every user together: an attacker's three claims an hour kept
    the mailbox's owner from ever getting a code. Now each account has its own three, under a ceiling of eight."""
    address, attacker, owner = f"{uuid.uuid4().hex}@example.com", a_user(), a_user()
    statuses = [attacker.call("POST", "/profile/addresses", json_body={"email": address}).status for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert owner.call("POST", "/profile/addresses", json_body={"email": address}).status == 201
    verified = owner.call("POST", f"/profile/addresses/{address}/verify", json_body={"code": code_mailed_to(api_env, address)})
    assert verified.json["state"] == "verified"


def test_nobody_learns_whether_another_account_uses_an_address(api_env: Stack) -> None:
    """Before, claiming an address another account had verified answered 409 'Another noask account has verified
    this address': anyone signed in could learn whether a given person uses noask. Now it answers as a free address
    does, and the address is mailed a notice with no code."""
    held, free = f"held.{uuid.uuid4().hex}@example.com", f"free.{uuid.uuid4().hex}@example.com"
    holder, curious = a_user(email=held, email_verified=True), a_user()
    assert holder.call("POST", "/profile/addresses", json_body={"email": held}).json["state"] == "verified"

    for method, path, field_of in (("POST", "/profile/addresses", None), ("PUT", "/profile", "addresses")):
        replies = []
        for address in (held, free):
            body = {"email": address, "pitch": PITCH} if method == "PUT" else {"email": address}
            reply = curious.call(method, path, json_body=body)
            shown = reply.json if field_of is None else next(a for a in reply.json[field_of] if a["email"] == address)
            replies.append(
                (reply.status, sorted(reply.json), shown["state"], shown["verified_by"], bool(shown["code_expires_at"]))
            )
        assert replies[0] == replies[1], method

    notice = [sent for sent in api_env.mailer.sent if str(sent["To"]) == held][-1]
    assert "already in use by another noask account" in notice.get_content()
    assert re.search(r"\b[0-9]{6}\b", notice.get_content()) is None
    # A wrong code fails alike: the held address's claim has no code at all.
    guess = {"code": "000000" if code_mailed_to(api_env, free) != "000000" else "111111"}
    wrong = curious.call("POST", f"/profile/addresses/{held}/verify", json_body=guess)
    free_wrong = curious.call("POST", f"/profile/addresses/{free}/verify", json_body=guess)
    assert (wrong.status, wrong.json) == (free_wrong.status, free_wrong.json)
    assert wrong.json["error"]["code"] == "wrong_code"
    assert [a["state"] for a in holder.call("GET", "/profile").json["addresses"]] == ["verified"]
    assert api_env.store.address_holder(held) == holder.user


def test_squatting_an_address_never_gets_its_owners_mail(api_env: Stack) -> None:
    """The issue's scenario. Before: the squatter's PUT /profile took the address, the owner's own PUT got 409, and
    the owner's authenticated mail was drafted into the squatter's history. Now: both claims are pending, the owner
    verifies with the code mailed to the address, and the owner's mail is drafted for the owner alone."""
    address = f"ceo.{uuid.uuid4().hex[:8]}@bigcorp.example"
    squatter, owner = a_user(), a_user()
    squatted = squatter.call("PUT", "/profile", json_body={"email": address, "pitch": "I sell growth hacks."})
    assert squatted.status == 200
    assert squatted.json["addresses"] == [{"email": address, "state": "pending", "verified_by": None,
                                           "code_expires_at": squatted.json["addresses"][0]["code_expires_at"]}]  # fmt: skip
    squatters_code = code_mailed_to(api_env, address)  # mailed to the address: the owner has it, the squatter does not

    # Mail from the address is not drafted for anyone while nobody has verified it.
    assert deliver_from(api_env, address)["reason"] == "unknown_sender"

    claimed = owner.call("PUT", "/profile", json_body={"email": address, "pitch": PITCH})
    assert claimed.status == 200  # was 409: a claim never locks the owner out
    owners_code = code_mailed_to(api_env, address)
    assert owner.call("POST", f"/profile/addresses/{address}/verify", json_body={"code": owners_code}).json["state"] == "verified"

    outcome = deliver_from(api_env, address)
    assert (outcome["status"], outcome["reason"]) == ("replied", "drafted")
    [draft] = owner.call("GET", "/drafts").json["items"]
    assert draft["id"] == outcome["draft_id"]
    # Dated by when the message was stored, not by the event (whose eventTime here says 1970).
    assert draft["created_at"].startswith("2027-01-15T08:00:00")
    assert squatter.call("GET", "/drafts").json["items"] == []
    assert str(api_env.mailer.sent[-1]["To"]) == address
    # A leaked or guessed code of the squatter's own claim cannot take the address any more.
    taken = squatter.call("POST", f"/profile/addresses/{address}/verify", json_body={"code": squatters_code})
    assert (taken.status, taken.json["error"]["code"]) == (409, "taken")
    # Claiming it again answers as for a free address (was 409, which told anyone that the address uses noask),
    # and its mailbox gets a notice, no code.
    again = squatter.call("POST", "/profile/addresses", json_body={"email": address})
    assert (again.status, again.json["state"]) == (201, "pending")
    assert "already in use by another noask account" in api_env.mailer.sent[-1].get_content()


def deliver_from(stack: Stack, address: str) -> dict[str, Any]:
    """One authenticated forward from `address` through InboundEmailFunction's handler, on the same stack."""
    from functions.inbound_email import app as email_app
    from shared.email.ports import StoredEmail
    from tests.support.emails import SES_PASS, ses_message

    domain = address.rpartition("@")[2]
    raw = ses_message(
        sender=f"Sam Doe <{address}>",
        return_path=f"<{address}>",
        authentication_results=SES_PASS.replace("fabrikam.example", domain).replace("alex.kim@" + domain, address),
    )

    class Stored:
        def fetch(self, bucket: str, key: str, *, max_bytes: int) -> StoredEmail:
            return StoredEmail(raw=raw, stored_at=1_800_000_000.0)

    idempotency = MemoryIdempotencyStore()
    overrides: dict[Callable[..., Any], Callable[..., Any]] = {
        **stack.overrides(),
        dependencies.raw_emails: Stored,
        dependencies.idempotency_store: lambda: lambda: idempotency,
    }
    email_app.app.dependency_overrides.update(overrides)
    key = f"inbound/{uuid.uuid4().hex}"
    event = {"Records": [{"eventSource": "aws:s3", "eventTime": "1970-01-01T00:00:00.000Z",
                          "s3": {"bucket": {"name": "noask-email-test"}, "object": {"key": key}}}]}  # fmt: skip
    try:
        outcome: dict[str, Any] = email_app.handler(event, LambdaContext("InboundEmailFunction", 1024, 60))["outcomes"][0]
    finally:
        email_app.app.dependency_overrides.clear()
    return outcome


def test_the_web_form_is_html_with_a_strict_csp(api_env: Stack) -> None:
    page = Client(None).call("GET", "/")
    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "http" not in policy
    assert "unsafe-inline" not in policy
    assert 'src="http' not in page.text
    assert 'href="http' not in page.text
    for label in ("Their bio", "Your pitch", "Their name", "Your name", "Your interests", "Something you can offer"):
        assert label in page.text


def test_the_openapi_spec_is_served_and_documents_the_routes(api_env: Stack) -> None:
    reply = Client(None).call("GET", "/openapi.json")
    assert reply.status == 200
    spec = reply.json
    assert {"/drafts", "/drafts/{id}", "/checks", "/profile", "/profile/addresses", "/profile/addresses/{address}/verify"} <= set(
        spec["paths"]
    )
    assert "/" not in spec["paths"]
    assert spec["paths"]["/drafts"]["post"]["requestBody"]


def test_no_answer_of_the_api_is_kept_by_a_browser_or_proxy(api_env: Stack) -> None:
    # One user's drafts: the back button or a shared proxy must not show them from a stored copy.
    user = a_user()
    created = user.create()
    replies = [
        created,
        user.call("GET", "/drafts"),
        user.call("GET", f"/drafts/{created.json['id']}"),
        user.call("GET", "/profile"),
        user.call("GET", "/nowhere"),
        Client(None).call("GET", "/drafts"),
        user.call("POST", "/drafts", body="{" + " " * MAX_BODY_BYTES + "}", headers={"content-type": "application/json"}),
    ]
    assert [reply.headers.get("cache-control") for reply in replies] == ["no-store"] * len(replies)


def test_the_page_keeps_its_own_cache_rule(api_env: Stack) -> None:
    reply = Client(None).call("GET", "/")
    assert reply.status == 200
    assert reply.headers["cache-control"] == "no-cache"

"""DraftApiFunction through its real handler, with v2 events from the local server's event builder, on DynamoDB Local."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from functions.draft_api import app
from functions.draft_api.gate import MAX_BODY_BYTES
from shared import composition
from shared.composer import compose_offline
from shared.local.dynamodb import LOCAL_TABLE_NAMES, load_template
from shared.local.invoke import LambdaContext
from shared.local.server import http_api_event, http_api_routes, match_route
from shared.models import DraftRequest
from tests.support.fake_openai import FakeOpenAI, ReceivedRequest, Reply

# Routes that count nothing flush no metrics; Powertools warns about each such flush.
pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:No application metrics to publish")]

ROUTES = http_api_routes(load_template())
BIO = (
    "Maya leads the data platform team at Northwind Analytics. Outside work she spends weekends trail running "
    "in the Dolomites and volunteers at a Saturday coding club for teenagers."
)
PITCH = "I'm a data engineer who builds streaming pipelines for climate researchers."
DRAFT = {"target_bio": BIO, "pitch": PITCH, "channel": "linkedin_message", "target_name": "Maya"}
PROTECTED = [("POST", "/drafts"), ("GET", "/drafts"), ("GET", "/drafts/0123"), ("DELETE", "/drafts/0123"),
             ("POST", "/checks"), ("GET", "/profile"), ("PUT", "/profile")]  # fmt: skip


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)


class Client:
    """Calls app.handler as API Gateway would for one signed-in user (or none, with user=None)."""

    def __init__(self, user: str | None) -> None:
        self.user = user

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
        event = http_api_event(
            method,
            path,
            query=query,
            headers=all_headers,
            body=body,
            route=route,
            path_parameters=parameters,
            claims={"sub": self.user} if self.user else None,
        )
        result = app.handler(event, LambdaContext("DraftApiFunction", 1024, 29))
        headers = {name.lower(): value for name, value in result.get("headers", {}).items()}
        return HttpReply(result["statusCode"], headers, result.get("body") or "")

    def create(self, request: Mapping[str, Any] = DRAFT, key: str | None = None) -> HttpReply:
        return self.call("POST", "/drafts", json_body=request, headers={"Idempotency-Key": key} if key else None)


@pytest.fixture
def api_env(dynamodb_local: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY_SECRET_NAME", "POWERTOOLS_IDEMPOTENCY_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NOASK_DYNAMODB_ENDPOINT", dynamodb_local)
    monkeypatch.setenv("NOASK_HISTORY_TABLE", LOCAL_TABLE_NAMES["HistoryTable"])
    monkeypatch.setenv("NOASK_IDEMPOTENCY_TABLE", LOCAL_TABLE_NAMES["IdempotencyTable"])
    monkeypatch.setenv("NOASK_DAILY_DRAFT_QUOTA", "1000")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "DraftApiFunction")
    composition.reset()
    yield
    composition.reset()


@pytest.fixture
def llm(api_env: None, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    """The fake OpenAI server as the configured model, answering with a draft that passes every check."""

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
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    composition.reset()
    return fake_openai


def a_user() -> Client:
    return Client(f"user-{uuid.uuid4().hex}")


# ---- drafts ---------------------------------------------------------------------------------


def test_create_returns_201_with_location_and_the_stored_draft(api_env: None) -> None:
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


def test_list_is_newest_first_and_pages_with_an_opaque_cursor(api_env: None) -> None:
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


def test_a_cursor_we_did_not_issue_is_400_naming_the_cursor(api_env: None) -> None:
    reply = a_user().call("GET", "/drafts", query="cursor=bm90LWEtY3Vyc29y")
    assert reply.status == 400
    assert reply.json["error"]["field"] == "cursor"


def test_another_users_cursor_is_refused(api_env: None) -> None:
    owner = a_user()
    for _ in range(3):
        owner.create()
    cursor = owner.call("GET", "/drafts", query="limit=1").json["cursor"]
    assert a_user().call("GET", "/drafts", query=f"cursor={cursor}").status == 400


def test_delete_removes_the_draft(api_env: None) -> None:
    client = a_user()
    draft_id = client.create().json["id"]
    deleted = client.call("DELETE", f"/drafts/{draft_id}")
    assert deleted.status == 204
    assert deleted.text == ""
    assert client.call("GET", f"/drafts/{draft_id}").status == 404
    assert client.call("DELETE", f"/drafts/{draft_id}").status == 404
    assert client.call("GET", "/drafts").json["items"] == []


def test_another_users_draft_is_not_found_never_forbidden(api_env: None) -> None:
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
    calls = llm.answered
    assert calls >= 1
    retry = client.create(key=key)
    assert retry.status == 201
    assert retry.json == first.json
    assert retry.headers["location"] == first.headers["location"]
    assert llm.answered == calls
    assert [item["id"] for item in client.call("GET", "/drafts").json["items"]] == [first.json["id"]]


def test_same_idempotency_key_with_a_different_body_is_422(api_env: None) -> None:
    client = a_user()
    key = uuid.uuid4().hex
    assert client.create(key=key).status == 201
    reused = client.create({**DRAFT, "pitch": "Something else entirely about my work."}, key=key)
    assert reused.status == 422
    assert reused.json["error"]["code"] == "idempotency_key_reused"
    assert len(client.call("GET", "/drafts").json["items"]) == 1


def test_the_same_key_from_two_users_makes_two_drafts(api_env: None) -> None:
    key = uuid.uuid4().hex
    first, second = a_user().create(key=key), a_user().create(key=key)
    assert first.status == second.status == 201
    assert first.json["id"] != second.json["id"]


def test_spent_quota_is_429_before_any_llm_call(
    llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOASK_DAILY_DRAFT_QUOTA", "2")
    composition.reset()
    client = a_user()
    assert [client.create().status for _ in range(2)] == [201, 201]
    calls = llm.answered
    refused = client.create()
    assert refused.status == 429
    assert refused.json["error"]["code"] == "quota_exceeded"
    assert int(refused.headers["retry-after"]) > 0
    assert llm.answered == calls
    assert len(client.call("GET", "/drafts").json["items"]) == 2
    assert '"QuotaExceeded"' in capsys.readouterr().out


def test_an_llm_draft_names_its_provider_and_model(llm: FakeOpenAI) -> None:
    created = a_user().create()
    assert created.status == 201
    assert created.json["provider"] == "openai"
    assert created.json["model"] == composition.settings().model
    assert created.json["attempts"] == 1
    assert llm.answered == 1
    assert BIO in llm.requests[0].last_user


def test_a_failing_llm_falls_back_to_the_offline_composer(llm: FakeOpenAI) -> None:
    llm.enqueue(Reply.insufficient_quota())
    created = a_user().create()
    assert created.status == 201
    assert created.json["provider"] == "offline"
    assert created.json["fallback_reason"].startswith("insufficient_quota")


def test_logs_and_metrics_carry_no_bio_or_pitch(api_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    marker = uuid.uuid4().hex
    client = a_user()
    request = {**DRAFT, "target_bio": f"{BIO} Codeword {marker}.", "pitch": f"{PITCH} Ref {marker}."}
    assert client.create(request).status == 201
    assert client.call("POST", "/drafts", body="{not json " + marker).status == 400
    output = capsys.readouterr()
    assert '"DraftsCreated"' in output.out
    assert marker not in output.out + output.err


def test_metrics_and_logs_follow_the_settings_whenever_the_handler_was_imported(
    api_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from functions.draft_api import telemetry

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


# ---- errors ---------------------------------------------------------------------------------


def test_malformed_json_is_400_and_says_where(api_env: None) -> None:
    reply = a_user().call("POST", "/drafts", body='{"target_bio": "x", "pitch": }', headers={"content-type": "application/json"})
    assert reply.status == 400
    assert reply.json["error"]["code"] == "malformed_json"
    assert "line 1, column 30" in reply.json["error"]["message"]


@pytest.mark.parametrize(
    ("body", "status", "code"), [("", 400, "missing_body"), ("null", 400, "missing_body"), ("[]", 422, "validation_error")]
)
def test_a_body_that_is_not_an_object_is_refused(api_env: None, body: str, status: int, code: str) -> None:
    reply = a_user().call("POST", "/drafts", body=body, headers={"content-type": "application/json"})
    assert reply.status == status
    assert reply.json["error"]["code"] == code


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_identity_is_401(api_env: None, method: str, path: str) -> None:
    body = {"target_bio": BIO, "pitch": PITCH} if method in ("POST", "PUT") else None
    reply = Client(None).call(method, path, json_body=body)
    assert reply.status == 401
    assert reply.json["error"]["code"] == "unauthenticated"


def test_an_unknown_route_is_404(api_env: None) -> None:
    reply = a_user().call("GET", "/nowhere")
    assert reply.status == 404
    assert reply.json["error"]["code"] == "not_found"


def test_a_body_over_the_bound_is_413_before_parsing(api_env: None) -> None:
    reply = a_user().call("POST", "/drafts", body="{" + " " * MAX_BODY_BYTES + "}", headers={"content-type": "application/json"})
    assert reply.status == 413
    assert reply.json["error"]["code"] == "body_too_large"


def test_a_non_json_content_type_is_415(api_env: None) -> None:
    reply = a_user().call(
        "POST", "/drafts", body="target_bio=x&pitch=y", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert reply.status == 415
    assert reply.json["error"]["field"] == "Content-Type"


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"target_bio": BIO}, "pitch"),
        ({"target_bio": "   ", "pitch": PITCH}, "target_bio"),
        ({"target_bio": "x" * 8_001, "pitch": PITCH}, "target_bio"),
        ({**DRAFT, "channel": "carrier_pigeon"}, "channel"),
        ({**DRAFT, "favourite_colour": "teal"}, "favourite_colour"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(api_env: None, request_body: dict[str, Any], field: str) -> None:
    reply = a_user().create(request_body)
    assert reply.status == 422
    assert reply.json["error"]["code"] == "validation_error"
    assert reply.json["error"]["field"] == field
    assert field in reply.json["error"]["message"]


def test_an_out_of_range_page_size_is_422(api_env: None) -> None:
    reply = a_user().call("GET", "/drafts", query="limit=0")
    assert reply.status == 422
    assert reply.json["error"]["field"] == "limit"


def test_an_unexpected_failure_is_500_with_a_correlation_id_and_no_internals(
    api_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_write(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internal detail at /var/task/shared/adapters")

    monkeypatch.setattr(composition.history_store(), "put_draft", broken_write)
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
    assert llm.answered == 0


def test_checks_pass_a_no_ask_message(api_env: None) -> None:
    text = (
        "Hi Maya, I saw you run trails in the Dolomites; I ran the Alta Via 1 last summer. "
        "I build streaming pipelines for climate researchers."
    )
    reply = a_user().call("POST", "/checks", json_body={"text": text})
    assert reply.status == 200
    assert reply.json["ask"] is False


def test_checks_know_the_names_the_sender_s_interests_and_the_offer(api_env: None) -> None:
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


def test_profile_round_trip_and_a_taken_address_is_409(api_env: None) -> None:
    owner, other = a_user(), a_user()
    address = f"{uuid.uuid4().hex}@example.com"
    assert owner.call("GET", "/profile").status == 404
    saved = owner.call("PUT", "/profile", json_body={"email": address.upper(), "pitch": PITCH, "sender_name": "Ada"})
    assert saved.status == 200
    assert owner.call("GET", "/profile").json == {"email": address, "pitch": PITCH, "sender_name": "Ada"}
    taken = other.call("PUT", "/profile", json_body={"email": address, "pitch": PITCH})
    assert taken.status == 409
    assert taken.json["error"]["field"] == "email"
    assert other.call("PUT", "/profile", json_body={"email": "not-an-address", "pitch": PITCH}).status == 422


def test_the_web_form_is_html_with_a_strict_csp(api_env: None) -> None:
    page = Client(None).call("GET", "/")
    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "http" not in policy
    assert "unsafe-inline" not in policy
    assert 'src="http' not in page.text
    assert 'href="http' not in page.text
    for label in ("Their bio", "Your pitch", "Their name", "Your name"):
        assert label in page.text


def test_the_openapi_spec_is_served_and_documents_the_routes(api_env: None) -> None:
    reply = Client(None).call("GET", "/openapi.json")
    assert reply.status == 200
    spec = reply.json
    assert {"/drafts", "/drafts/{id}", "/checks", "/profile"} <= set(spec["paths"])
    assert "/" not in spec["paths"]
    assert spec["paths"]["/drafts"]["post"]["requestBody"]

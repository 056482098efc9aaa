"""The local stack: v2 events as API Gateway builds them, template-driven environments, and `noask serve` over real HTTP."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.local.dynamodb import TEMPLATE_PATH, load_template
from shared.local.invoke import function_environment, function_spec, local_dynamodb_overrides
from shared.local.server import MAX_PAYLOAD_BYTES, LocalApi, Route, http_api_event, http_api_routes, match_route

pytestmark = pytest.mark.integration

NOASK = Path(sys.executable).with_name("noask")
NO_MODEL = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "OPENAI_API_KEY_SECRET_NAME": ""}


# ---- events ---------------------------------------------------------------------------------


def test_event_has_the_v2_shape_api_gateway_sends() -> None:
    route = Route(method="GET", path="/drafts/{id}", function="DraftApiFunction", authorized=True)
    event = http_api_event(
        "GET",
        "/drafts/abc",
        query="limit=2&tag=a&tag=b",
        headers=[("Content-Type", "text/plain"), ("X-Trace", "1"), ("x-trace", "2"), ("Cookie", "theme=dark; session=s1")],
        route=route,
        path_parameters={"id": "abc"},
        claims={"sub": "alice"},
    )
    assert event["version"] == "2.0"
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "GET /drafts/{id}"
    assert event["rawPath"] == "/drafts/abc"
    assert event["rawQueryString"] == "limit=2&tag=a&tag=b"
    assert event["queryStringParameters"] == {"limit": "2", "tag": "a,b"}
    assert event["headers"] == {"content-type": "text/plain", "x-trace": "1,2"}
    assert event["cookies"] == ["theme=dark", "session=s1"]
    assert event["pathParameters"] == {"id": "abc"}
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] == "alice"
    assert "body" not in event


def test_a_public_route_carries_no_authorizer() -> None:
    assert "authorizer" not in http_api_event("GET", "/", claims=None)["requestContext"]


def test_text_bodies_stay_text_and_binary_bodies_are_base64() -> None:
    text = http_api_event("POST", "/drafts", headers={"content-type": "application/json"}, body='{"a": "é"}')
    assert text["isBase64Encoded"] is False
    assert text["body"] == '{"a": "é"}'
    binary = http_api_event("POST", "/drafts", headers={"content-type": "application/octet-stream"}, body=b"\x00\xff")
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\x00\xff"


def test_routes_come_from_the_template_with_their_authorizer() -> None:
    routes = http_api_routes(load_template())
    assert {route.route_key for route in routes} >= {
        "GET /",
        "GET /openapi.json",
        "POST /drafts",
        "GET /drafts",
        "GET /drafts/{id}",
        "DELETE /drafts/{id}",
        "POST /checks",
        "GET /profile",
        "PUT /profile",
    }
    public = {route.route_key for route in routes if not route.authorized}
    assert public == {"GET /", "GET /openapi.json"}
    found = match_route(routes, "DELETE", "/drafts/0123")
    assert found is not None
    assert found[0].route_key == "DELETE /drafts/{id}"
    assert found[1] == {"id": "0123"}
    assert match_route(routes, "PATCH", "/drafts/0123") is None
    assert match_route(routes, "GET", "/drafts/a/b") is None


# ---- environments, as sam local invoke builds them -------------------------------------------


def test_environment_merges_globals_and_resolves_refs_as_sam_does() -> None:
    spec = function_spec("DraftApiFunction")
    assert spec.handler == "functions/draft_api/app.handler"
    assert spec.module_and_attribute == ("functions.draft_api.app", "handler")
    assert spec.code_dir == TEMPLATE_PATH.parent
    assert spec.timeout_seconds == 29
    environment = function_environment(spec, host_environment={})
    assert environment["NOASK_MODEL"] == "gpt-4o-mini"  # !Ref ModelName -> its default
    assert environment["NOASK_DAILY_DRAFT_QUOTA"] == "50"
    assert environment["NOASK_HISTORY_TABLE"] == "HistoryTable"  # !Ref to a resource -> its logical id
    assert environment["AWS_LAMBDA_FUNCTION_NAME"] == "DraftApiFunction"
    assert environment["AWS_SAM_LOCAL"] == "true"
    assert environment["AWS_ACCESS_KEY_ID"] == "defaultkey"


def test_the_env_vars_file_beats_the_shell_which_beats_the_template_for_declared_names_only() -> None:
    spec = function_spec("DraftApiFunction")
    environment = function_environment(
        spec,
        host_environment={"NOASK_MODEL": "from-shell", "NOASK_APP_URL": "https://shell.example", "UNDECLARED": "x"},
        overrides={
            "Parameters": {"NOASK_MODEL": "from-file", "ALSO_UNDECLARED": "y"},
            "DraftApiFunction": {"POWERTOOLS_LOG_LEVEL": "DEBUG"},
        },
    )
    assert environment["NOASK_MODEL"] == "from-file"
    assert environment["NOASK_APP_URL"] == "https://shell.example"
    assert environment["POWERTOOLS_LOG_LEVEL"] == "DEBUG"
    assert "UNDECLARED" not in environment
    assert "ALSO_UNDECLARED" not in environment


def test_noask_invoke_runs_the_handler_from_the_template(dynamodb_local: str, tmp_path: Path) -> None:
    env_vars = tmp_path / "env.json"
    env_vars.write_text(json.dumps({"Parameters": {**local_dynamodb_overrides(dynamodb_local), **NO_MODEL}}))
    event = http_api_event("GET", "/drafts", route=Route("GET", "/drafts", "DraftApiFunction", True), claims={"sub": "invoker"})
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    completed = subprocess.run(
        [str(NOASK), "invoke", "DraftApiFunction", "-e", str(event_path), "--env-vars", str(env_vars)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["statusCode"] == 200
    assert json.loads(result["body"]) == {"items": [], "cursor": None}


def test_noask_invoke_can_bring_its_own_dynamodb_local() -> None:
    event = TEMPLATE_PATH.parent / "events" / "draft_api" / "post_drafts.json"
    completed = subprocess.run(
        [str(NOASK), "invoke", "DraftApiFunction", "-e", str(event), "--dynamodb-local"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, **NO_MODEL},
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["statusCode"] == 201
    assert json.loads(result["body"])["provider"] == "offline"


def test_noask_invoke_names_the_functions_when_one_is_unknown() -> None:
    completed = subprocess.run([str(NOASK), "invoke", "NoSuchFunction"], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 2
    assert "DraftApiFunction" in completed.stderr


# ---- the server over HTTP ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_api(dynamodb_local: str) -> Iterator[LocalApi]:
    overrides = {**local_dynamodb_overrides(dynamodb_local), **NO_MODEL}
    with LocalApi(port=0, overrides=overrides, workers=1, claims={"sub": "local-stack-test"}) as api:
        yield api.start_in_thread()


def request(api: LocalApi, method: str, path: str) -> tuple[int, bytes]:
    host, port = api.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_server_answers_through_the_handler_as_the_local_user(local_api: LocalApi) -> None:
    status, body = request(local_api, "GET", "/drafts?limit=3")
    assert status == 200
    assert json.loads(body) == {"items": [], "cursor": None}
    status, body = request(local_api, "GET", "/")
    assert status == 200
    assert b"<form" in body


def test_the_server_answers_unknown_routes_as_api_gateway_does(local_api: LocalApi) -> None:
    status, body = request(local_api, "GET", "/nowhere")
    assert status == 404
    assert json.loads(body) == {"message": "Not Found"}


def test_the_server_refuses_payloads_over_api_gateways_limit_without_reading_them(local_api: LocalApi) -> None:
    host, port = local_api.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        # Only the headers are sent: the answer must come from the declared length alone.
        connection.putrequest("POST", "/drafts")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(MAX_PAYLOAD_BYTES + 1))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read()) == {"message": "Request Entity Too Large"}
    finally:
        connection.close()


def test_noask_serve_prints_its_url_serves_and_stops_cleanly_on_sigterm(dynamodb_local: str) -> None:
    environment = {**os.environ, "NOASK_DYNAMODB_ENDPOINT": dynamodb_local, **NO_MODEL}
    server = subprocess.Popen(
        [str(NOASK), "serve", "--port", "0", "--no-dynamodb", "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
    )
    try:
        assert server.stdout is not None
        first_line = server.stdout.readline()
        assert first_line.startswith("noask is running at http://127.0.0.1:")
        url = first_line.split()[-1].rstrip("/")
        host, port = url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        connection.request("GET", "/openapi.json")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
    assert "Stopped." in server.stdout.read()
    time.sleep(0.1)
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection(host, int(port), timeout=2).connect()

"""`noask serve`: the HTTP API on 127.0.0.1, calling the real handler the way API Gateway would.

Like `sam local start-api`, without a container: each HTTP request becomes an API Gateway HTTP API
payload v2.0 event for the route template.yaml declares, and the function's handler answers it with
the environment template.yaml gives it (see shared.local.invoke). Requests run in a pool of worker
processes, one request at a time each, as Lambda runs them; a handler module is imported once per
worker and stays warm. Each request has API Gateway's 30 s from its arrival: the handler's context counts
down from there (time spent waiting for a worker included), a request still unanswered then gets a 503 and
its worker is killed and later replaced, and Ctrl-C or SIGTERM stop every worker at once.

Every answer the handler gave carries `Server-Timing: handler;dur=<ms>`: the time inside the handler call, measured
in the worker, which is what a deployed function sees (the wait for a free worker excluded). Only this local server
sets that header; neither the Lambda handler nor API Gateway does.

Identity: API Gateway's JWT authorizer puts the verified claims in the event. Here a fixed local
user's claims stand in for it on the routes that have the authorizer. This module is the only place
that fakes identity; the handler has no bypass.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from pathlib import Path
from types import FrameType
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from shared.local.dynamodb import TEMPLATE_PATH, DynamoDBLocal, create_tables_from_template, load_template
from shared.local.invoke import (
    FunctionSpec,
    LambdaContext,
    function_environment,
    function_spec,
    load_handler,
    local_dynamodb_overrides,
    runtime_environment,
)

# API Gateway's payload limit; larger requests never reach the function.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
# API Gateway ends an HTTP API integration after 30 s and answers 503 itself.
INTEGRATION_TIMEOUT_SECONDS = 30.0
DEFAULT_WORKERS = 4
LOCAL_USER_CLAIMS: Mapping[str, str] = {
    "sub": "local-user",
    "email": "you@localhost",
    "cognito:username": "local-user",
    "token_use": "id",
}
# The header that reports, on each answer the handler gave, the milliseconds spent inside it.
SERVER_TIMING_HEADER = "Server-Timing"
_TEXT_TYPES = re.compile(r"^(text/.*|application/(json|.*\+json|xml|.*\+xml|javascript|x-www-form-urlencoded|graphql))$")
_PATH_PARAMETER = re.compile(r"\{([^}/]+?)(\+?)\}")


@dataclass(frozen=True)
class Route:
    """One `Type: HttpApi` event of a function: method, path template, and whether the JWT authorizer guards it."""

    method: str
    path: str
    function: str
    authorized: bool
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts, position = [], 0
        for match in _PATH_PARAMETER.finditer(self.path):
            parts.append(re.escape(self.path[position : match.start()]))
            # {name} is one segment; {name+} (greedy) takes the rest of the path.
            parts.append(f"(?P<{match.group(1)}>.+)" if match.group(2) else f"(?P<{match.group(1)}>[^/]+)")
            position = match.end()
        parts.append(re.escape(self.path[position:]))
        object.__setattr__(self, "_pattern", re.compile("".join(parts)))

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in (method, "ANY"):
            return None
        found = self._pattern.fullmatch(path)
        return None if found is None else found.groupdict()


def http_api_routes(template: Mapping[str, Any]) -> list[Route]:
    """Every HttpApi route in the template, static paths before parameterised ones (API Gateway's priority)."""
    routes = []
    default_authorized = _has_default_authorizer(template)
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event.get("Type") != "HttpApi":
                continue
            properties = event.get("Properties", {})
            authorizer = properties.get("Auth", {}).get("Authorizer")
            routes.append(
                Route(
                    method=str(properties.get("Method", "ANY")).upper(),
                    path=str(properties.get("Path", "/")),
                    function=logical_id,
                    authorized=authorizer != "NONE" and (authorizer is not None or default_authorized),
                )
            )
    return sorted(routes, key=lambda route: ("{" in route.path, route.method == "ANY"))


def match_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        parameters = route.match(method, path)
        if parameters is not None:
            return route, parameters
    return None


def http_api_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
    body: bytes | str | None = None,
    route: Route | None = None,
    path_parameters: Mapping[str, str] | None = None,
    claims: Mapping[str, Any] | None = LOCAL_USER_CLAIMS,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """An API Gateway HTTP API payload v2.0 event, as API Gateway builds it for this request.

    `claims=None` leaves out the authorizer block, as on a route without the JWT authorizer.
    """
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in pairs:
        lowered = name.lower()
        if lowered == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            # Repeated headers are joined with commas; cookies move to their own list.
            merged[lowered] = f"{merged[lowered]},{value}" if lowered in merged else value
    raw_body = body.encode("utf-8") if isinstance(body, str) else body
    now = datetime.now(UTC)
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": merged.get("host", "127.0.0.1"),
        "domainPrefix": "local",
        "http": {
            "method": method.upper(),
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": merged.get("user-agent", ""),
        },
        "requestId": uuid.uuid4().hex,
        "routeKey": route.route_key if route else "$default",
        "stage": "$default",
        "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if claims is not None:
        issued = int(now.timestamp())
        request_context["authorizer"] = {"jwt": {"claims": {"iat": issued, "exp": issued + 3600, **claims}, "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": request_context["routeKey"],
        "rawPath": path,
        "rawQueryString": query,
        "headers": merged,
        "requestContext": request_context,
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    parameters: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        parameters[name] = f"{parameters[name]},{value}" if name in parameters else value
    if parameters:
        event["queryStringParameters"] = parameters
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if raw_body:
        content_type = merged.get("content-type", "").split(";")[0].strip().lower()
        text = _as_text(raw_body) if not content_type or _TEXT_TYPES.match(content_type) else None
        if text is None:
            event["body"], event["isBase64Encoded"] = base64.b64encode(raw_body).decode("ascii"), True
        else:
            event["body"] = text
    return event


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    # Time inside the handler call, when the handler ran to completion (gateway errors have none).
    handler_seconds: float | None = None


def proxy_response(result: Any) -> HttpResponse:
    """The HTTP response API Gateway makes of a function's payload v2.0 result."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # v2 lets a function return bare JSON: API Gateway answers 200 with it.
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(result).encode())
    headers = [(str(name), str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(value)) for value in values)
    headers.extend(("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or [])
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
    return HttpResponse(int(result["statusCode"]), headers, raw)


def handler_timing(seconds: float) -> str:
    """The Server-Timing value for `seconds` spent inside the handler (W3C Server Timing: a duration in ms)."""
    return f"handler;dur={seconds * 1000:.1f}"


def handler_seconds_from(server_timing: str | None) -> float | None:
    """The handler time a Server-Timing header reports, in seconds; None when it reports none."""
    for metric in (server_timing or "").split(","):
        name, *parameters = (part.strip() for part in metric.split(";"))
        if name != "handler":
            continue
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "dur":
                try:
                    return float(value.strip().strip('"')) / 1000
                except ValueError:
                    return None
    return None


def _gateway_error(status: HTTPStatus, message: str) -> HttpResponse:
    """API Gateway's own answer when the function cannot: a JSON {"message"}, no function output."""
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps({"message": message}).encode())


# ---- worker processes -------------------------------------------------------------------------

# How long a new worker may take to import its handler at `noask serve` start-up before the server gives up.
WORKER_START_SECONDS = 60.0
# A worker told to stop gets this long to exit before it is killed.
WORKER_STOP_SECONDS = 2.0


class WorkerStartError(RuntimeError):
    """A worker process could not import the function's handler."""


def _start_worker(spec: FunctionSpec, environment: Mapping[str, str]) -> Callable[[Any, Any], Any]:
    """In each worker: the function's environment, then its handler imported once (a warm container)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it stops the workers
    os.environ.clear()
    os.environ.update(environment)
    return load_handler(spec)


def _worker_main(connection: Connection, spec: FunctionSpec, environment: Mapping[str, str]) -> None:
    """A warm container: the handler imported once, then one event at a time until told to stop.

    Each job carries the request's deadline on the machine-wide monotonic clock (shared by every process), so the
    Lambda context tells the handler what is really left after the request waited in the queue.
    """
    try:
        handler = _start_worker(spec, environment)
    except BaseException as error:
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if job is None:
            return
        event, request_id, deadline = job
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            connection.send(("expired", None, 0.0))
            continue
        context = LambdaContext(spec.logical_id, spec.memory_mb, remaining, request_id=request_id)
        started = time.perf_counter()
        try:
            outcome: tuple[str, Any] = ("ok", handler(event, context))
        except Exception as error:  # the function raised: Lambda reports it, API Gateway answers 500
            outcome = ("error", f"{type(error).__name__}: {error}")
        handler_seconds = time.perf_counter() - started
        try:
            connection.send((*outcome, handler_seconds))
        except Exception as error:  # a result that cannot cross the process boundary is an error too
            connection.send(("error", f"{type(error).__name__}: {error}", handler_seconds))


class _Worker:
    """One worker process and the pipe to it; used by one request at a time."""

    def __init__(self, context: SpawnContext, spec: FunctionSpec, environment: Mapping[str, str]) -> None:
        self._connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, spec, environment), name=f"noask-{spec.logical_id}", daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False
        # Shutdown and the request thread may both stop a busy worker: the pipe must be closed once only.
        self._stop_lock = threading.Lock()
        self._stopped = False

    def wait_ready(self, timeout: float) -> bool:
        """True once the handler is imported; False if it is still importing after `timeout` seconds."""
        if self.ready:
            return True
        if not self._connection.poll(max(0.0, timeout)):
            return False
        try:
            status, detail = self._connection.recv()
        except EOFError:
            raise WorkerStartError("the worker process exited while importing the handler") from None
        if status != "ready":
            raise WorkerStartError(str(detail))
        self.ready = True
        return True

    def run(self, event: dict[str, Any], request_id: str, deadline: float) -> tuple[str, Any, float] | None:
        """The worker's (status, payload, seconds inside the handler) for this event, or None when the deadline
        passed first."""
        self._connection.send((event, request_id, deadline))
        if not self._connection.poll(max(0.0, deadline - time.monotonic())):
            return None
        status, payload, handler_seconds = self._connection.recv()
        return str(status), payload, float(handler_seconds)

    def stop(self, *, wait: float) -> None:
        """Ask the worker to exit, then kill it if it has not within `wait` seconds (a stuck handler never reads).
        Stopping a stopped worker does nothing."""
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
            if wait > 0:
                with suppress(OSError):
                    self._connection.send(None)
                self.process.join(wait)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(WORKER_STOP_SECONDS)
            self._connection.close()


class FunctionPool:
    """Warm worker processes for one function, each handling one event at a time.

    A request waits for a free worker only until its deadline (API Gateway's integration timeout from arrival). A
    worker still busy when its request's deadline passes is killed rather than left burning CPU for an answer no one
    will read; the next request starts a fresh one, as Lambda replaces a timed-out container.
    """

    def __init__(
        self,
        spec: FunctionSpec,
        environment: Mapping[str, str],
        workers: int,
        *,
        integration_timeout_seconds: float = INTEGRATION_TIMEOUT_SECONDS,
    ) -> None:
        self.spec = spec
        self._environment = runtime_environment(spec, environment)
        # Spawned, not forked: a fork would copy this process's threads and locks mid-flight.
        self._context = multiprocessing.get_context("spawn")
        self._integration_timeout = integration_timeout_seconds
        self._slots = threading.BoundedSemaphore(workers)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._closed = False

    def warm_up(self) -> None:
        """Start one worker now, so a broken handler fails `noask serve` at once rather than on the first request."""
        worker = self._take()
        try:
            if not worker.wait_ready(WORKER_START_SECONDS):
                raise WorkerStartError(f"the handler took more than {WORKER_START_SECONDS:.0f} s to import")
        except WorkerStartError:
            self._discard(worker)
            raise
        self._give_back(worker)

    def invoke(self, event: dict[str, Any]) -> HttpResponse:
        gateway_deadline = time.monotonic() + self._integration_timeout
        request_id = event["requestContext"]["requestId"]
        if not self._slots.acquire(timeout=max(0.0, gateway_deadline - time.monotonic())):
            return _gateway_error(HTTPStatus.SERVICE_UNAVAILABLE, "Service Unavailable")
        try:
            try:
                worker = self._take()
            except OSError:  # shutting down, or no process could be started
                return _gateway_error(HTTPStatus.SERVICE_UNAVAILABLE, "Service Unavailable")
            try:
                if not worker.wait_ready(gateway_deadline - time.monotonic()):
                    self._give_back(worker)  # still importing: it stays for the next request
                    return _gateway_error(HTTPStatus.SERVICE_UNAVAILABLE, "Service Unavailable")
                # Lambda stops the function at its own timeout, counted from when it starts running.
                deadline = min(gateway_deadline, time.monotonic() + self.spec.timeout_seconds)
                outcome = worker.run(event, request_id, deadline)
            except (WorkerStartError, EOFError, OSError) as error:  # the process died: API Gateway hides why
                self._discard(worker)
                print(f"{self.spec.logical_id} failed: {type(error).__name__}: {error}", file=sys.stderr)
                return _gateway_error(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal Server Error")
            if outcome is None:
                self._discard(worker)
                if time.monotonic() >= gateway_deadline:
                    return _gateway_error(HTTPStatus.SERVICE_UNAVAILABLE, "Service Unavailable")
                print(f"{self.spec.logical_id} timed out after {self.spec.timeout_seconds} s", file=sys.stderr)
                return _gateway_error(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal Server Error")
            self._give_back(worker)
            status, payload, handler_seconds = outcome
            if status == "ok":
                return replace(proxy_response(payload), handler_seconds=handler_seconds)
            if status == "expired":
                return _gateway_error(HTTPStatus.SERVICE_UNAVAILABLE, "Service Unavailable")
            print(f"{self.spec.logical_id} failed: {payload}", file=sys.stderr)
            return _gateway_error(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal Server Error")
        finally:
            self._slots.release()

    def _take(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise OSError("the local API is shutting down")
            worker = self._idle.pop() if self._idle else _Worker(self._context, self.spec, self._environment)
            self._busy.add(worker)
            return worker

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if not self._closed:
                self._idle.append(worker)
                return
        worker.stop(wait=WORKER_STOP_SECONDS)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
        worker.stop(wait=0)

    def close(self) -> None:
        """Stop every worker now: idle ones are asked to exit, busy ones (their requests are abandoned) are killed."""
        with self._lock:
            self._closed = True
            idle, busy = list(self._idle), list(self._busy)
            self._idle.clear()
        for worker in busy:
            worker.stop(wait=0)
        for worker in idle:
            worker.stop(wait=WORKER_STOP_SECONDS)


# ---- the HTTP server --------------------------------------------------------------------------


class _ListeningServer(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: twenty clients connecting at once overflow it, and connections reset.
    request_queue_size = 128


class LocalApi:
    """The template's HTTP API on host:port (0 picks a free port), backed by worker pools per function."""

    def __init__(
        self,
        *,
        template_path: Path = TEMPLATE_PATH,
        host: str = "127.0.0.1",
        port: int = 3000,
        overrides: Mapping[str, str] | None = None,
        workers: int = DEFAULT_WORKERS,
        claims: Mapping[str, Any] = LOCAL_USER_CLAIMS,
        request_log: TextIO | None = None,
        host_environment: Mapping[str, str] | None = None,
        integration_timeout_seconds: float = INTEGRATION_TIMEOUT_SECONDS,
    ) -> None:
        """`integration_timeout_seconds` is API Gateway's limit per request, from arrival (tests shorten it)."""
        template = load_template(template_path)
        self.routes = http_api_routes(template)
        self.claims = dict(claims)
        self.request_log = request_log
        inherited = dict(os.environ if host_environment is None else host_environment)
        self._pools: dict[str, FunctionPool] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        try:
            for logical_id in sorted({route.function for route in self.routes}):
                spec = function_spec(logical_id, template_path)
                environment = function_environment(
                    spec, host_environment=inherited, overrides={"Parameters": dict(overrides or {})}
                )
                self._pools[logical_id] = FunctionPool(
                    spec, environment, workers, integration_timeout_seconds=integration_timeout_seconds
                )
            for pool in self._pools.values():
                pool.warm_up()
            self._server = _ListeningServer((host, port), _request_handler(self))
        except BaseException:
            self.close()
            raise
        self._server.daemon_threads = True

    @property
    def server(self) -> ThreadingHTTPServer:
        if self._server is None:
            raise RuntimeError("the local API is closed")
        return self._server

    @property
    def url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def answer(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> HttpResponse:
        parts = urlsplit(target)
        found = match_route(self.routes, method, parts.path)
        if found is None:
            return _gateway_error(HTTPStatus.NOT_FOUND, "Not Found")
        route, path_parameters = found
        event = http_api_event(
            method,
            parts.path,
            query=parts.query,
            headers=headers,
            body=body,
            route=route,
            path_parameters=path_parameters,
            claims=self.claims if route.authorized else None,
        )
        return self._pools[route.function].invoke(event)

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def start_in_thread(self) -> LocalApi:
        self._thread = threading.Thread(target=self.server.serve_forever, name="noask-local-api", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            if self._thread is not None:
                server.shutdown()
                self._thread.join()
            server.server_close()
        for pool in self._pools.values():
            pool.close()

    def __enter__(self) -> LocalApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _request_handler(api: LocalApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "noask-local"

        def _answer(self) -> None:
            started = time.monotonic()
            response = self._respond()
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            if response.handler_seconds is not None:
                self.send_header(SERVER_TIMING_HEADER, handler_timing(response.handler_seconds))
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            elapsed = (time.monotonic() - started) * 1000
            if api.request_log is not None:
                inside = "" if response.handler_seconds is None else f" (handler {response.handler_seconds * 1000:.0f} ms)"
                api.request_log.write(f"{self.command} {self.path} {response.status} {elapsed:.0f} ms{inside}\n")

        def _respond(self) -> HttpResponse:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                self.close_connection = True
                return _gateway_error(HTTPStatus.LENGTH_REQUIRED, "Length Required")
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                self.close_connection = True
                return _gateway_error(HTTPStatus.BAD_REQUEST, "Bad Request")
            if length > MAX_PAYLOAD_BYTES:
                # The body is never read: close the connection rather than drain megabytes.
                self.close_connection = True
                return _gateway_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
            body = self.rfile.read(length) if length > 0 else b""
            return api.answer(self.command, self.path, list(self.headers.items()), body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per request is written by _answer, without the noise

    return Handler


# ---- noask serve ------------------------------------------------------------------------------


@contextmanager
def local_stack(
    *, host: str, port: int, dynamodb_endpoint: str | None, workers: int, template_path: Path = TEMPLATE_PATH
) -> Iterator[LocalApi]:
    """DynamoDB Local (unless an endpoint is given) with the template's tables, and the API in front of it."""
    with ExitStack() as stack:
        if dynamodb_endpoint is None:
            dynamodb_endpoint = stack.enter_context(DynamoDBLocal()).endpoint_url
        create_tables_from_template(dynamodb_endpoint, template_path)
        api = stack.enter_context(
            LocalApi(
                template_path=template_path,
                host=host,
                port=port,
                overrides=local_dynamodb_overrides(dynamodb_endpoint),
                workers=workers,
                request_log=sys.stderr,
            )
        )
        yield api


def build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--port", type=int, default=3000, help="port to listen on (default: 3000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--no-dynamodb",
        action="store_true",
        help="do not start DynamoDB Local; use the one NOASK_DYNAMODB_ENDPOINT names",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"concurrent requests, one per worker process; more wait in a queue (default: {DEFAULT_WORKERS})",
    )
    parser.add_argument("-t", "--template", type=Path, default=TEMPLATE_PATH, help="the SAM template (default: template.yaml)")
    return parser


class _Stop(Exception):
    """SIGTERM: leave serve_forever and clean up as Ctrl-C does."""


def run(args: argparse.Namespace) -> int:
    """The `noask serve` verb: serve until Ctrl-C or SIGTERM, then stop the workers and DynamoDB Local."""
    endpoint = os.environ.get("NOASK_DYNAMODB_ENDPOINT") or None
    if args.no_dynamodb and endpoint is None:
        print("noask serve: error: --no-dynamodb needs NOASK_DYNAMODB_ENDPOINT to name a running DynamoDB", file=sys.stderr)
        return 2

    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    signal.signal(signal.SIGTERM, stop)
    try:
        with local_stack(
            host=args.host, port=args.port, dynamodb_endpoint=endpoint, workers=args.workers, template_path=args.template
        ) as api:
            offline = not (os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"))
            print(f"noask is running at {api.url}/", flush=True)
            print(
                "Drafts are written by the offline composer (set OPENAI_API_KEY or OPENAI_BASE_URL to use a model)."
                if offline
                else "Drafts are written by the configured model, with the offline composer as fallback.",
                flush=True,
            )
            print("Press Ctrl-C to stop.", flush=True)
            api.serve_forever()
    except (KeyboardInterrupt, _Stop):
        print("\nStopped.", flush=True)
    return 0


def _as_text(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _has_default_authorizer(template: Mapping[str, Any]) -> bool:
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::HttpApi" and resource.get("Properties", {}).get("Auth", {}).get(
            "DefaultAuthorizer"
        ):
            return True
    return False

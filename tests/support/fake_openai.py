"""A local OpenAI-compatible server for tests: real HTTP on 127.0.0.1, scripted replies, every request recorded.

Tests drive the real openai client against it. Replies come from a queue of scripted `Reply`s
(content, HTTP errors, stalls, connection resets, refusals, length cuts); when the queue is empty
the `responder` callable answers. `obedient_adversary` is a responder that does whatever the
prompt's untrusted text tells it to, to prove the pipeline holds when the model does not.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Build it with the class methods rather than by hand."""

    status: int = 200
    content: str | None = None
    finish_reason: str = "stop"
    refusal: str | None = None
    error: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    stall_seconds: float = 0.0
    reset: bool = False

    @classmethod
    def json(cls, payload: Mapping[str, Any]) -> Reply:
        return cls(content=json.dumps(payload))

    @classmethod
    def text(cls, content: str) -> Reply:
        return cls(content=content)

    @classmethod
    def malformed(cls) -> Reply:
        return cls(content='{"subject": null, "body": "Hi there, I')

    @classmethod
    def refused(cls, refusal: str = "I'm sorry, I can't help with that.") -> Reply:
        return cls(content=None, refusal=refusal)

    @classmethod
    def cut_by_length(cls) -> Reply:
        return cls(content='{"subject": null, "body": "Hi there, I noticed', finish_reason="length")

    @classmethod
    def failure(
        cls,
        status: int,
        *,
        code: str | None = None,
        type: str = "server_error",
        message: str = "Scripted failure.",
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        return cls(status=status, error={"message": message, "type": type, "param": None, "code": code}, headers=headers or {})

    @classmethod
    def rate_limited(cls, *, retry_after: str | None = None) -> Reply:
        headers = {"retry-after": retry_after} if retry_after is not None else {}
        return cls.failure(429, code="rate_limit_exceeded", type="requests", message="Rate limit reached.", headers=headers)

    @classmethod
    def insufficient_quota(cls) -> Reply:
        return cls.failure(429, code="insufficient_quota", type="insufficient_quota", message="You exceeded your current quota.")

    @classmethod
    def stall(cls, seconds: float, then: Reply | None = None) -> Reply:
        """Say nothing for `seconds` (cut short when the server stops), then answer with `then`."""
        return replace(then or cls.failure(504, message="Stalled."), stall_seconds=seconds)

    @classmethod
    def connection_reset(cls) -> Reply:
        return cls(reset=True)


@dataclass(frozen=True)
class ReceivedRequest:
    path: str
    headers: Mapping[str, str]  # names in lower case
    body: Mapping[str, Any]

    @property
    def messages(self) -> list[Mapping[str, str]]:
        return list(self.body.get("messages", []))

    def contents(self, role: str) -> list[str]:
        return [str(message.get("content", "")) for message in self.messages if message.get("role") == role]

    @property
    def system(self) -> str:
        return "\n".join(self.contents("system"))

    @property
    def last_user(self) -> str:
        users = self.contents("user")
        return users[-1] if users else ""


# A responder answers with a Reply, or just the message content as a string.
Responder = Callable[[ReceivedRequest], Reply | str]


def _nothing_scripted(request: ReceivedRequest) -> Reply:
    # A final 4xx, so a test that forgot to script a reply fails at once instead of retrying.
    return Reply.failure(
        400, code="nothing_scripted", type="invalid_request_error", message="The fake server has no reply queued."
    )


class FakeOpenAI:
    """`POST /v1/chat/completions` on 127.0.0.1 at a free port; use as a context manager."""

    def __init__(self, responder: Responder = _nothing_scripted) -> None:
        self.responder = responder
        self._queue: deque[Reply] = deque()
        self._requests: list[ReceivedRequest] = []
        self._answered = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval keeps stop() quick: shutdown waits for the serve loop to notice.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-openai", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def answered(self) -> int:
        """Requests that got an HTTP answer (a stalled request counts only once its stall ends)."""
        with self._lock:
            return self._answered

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    def _take(self, request: ReceivedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
            scripted = self._queue.popleft() if self._queue else None
        if scripted is not None:
            return scripted
        answer = self.responder(request)
        return Reply.text(answer) if isinstance(answer, str) else answer

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _count_answer(self) -> None:
        with self._lock:
            self._answered += 1


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: with Nagle on, each answer waits ~40 ms for the client's delayed ACK.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"No route {self.path}", "type": "invalid_request_error", "code": None}})
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self._send(400, {"error": {"message": "Body is not JSON.", "type": "invalid_request_error", "code": None}})
                return
            request = ReceivedRequest(
                path=self.path, headers={name.lower(): value for name, value in self.headers.items()}, body=body
            )
            reply = fake._take(request)
            if reply.stall_seconds:
                fake._wait(reply.stall_seconds)
            if reply.reset:
                # Linger 0 makes close() send a TCP reset instead of an orderly end.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if reply.status != 200:
                self._send(reply.status, {"error": dict(reply.error or {})}, reply.headers)
            else:
                self._send(200, _completion(body, reply), reply.headers)
            fake._count_answer()

        def _send(self, status: int, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `fake.requests` instead."""

    return Handler


def _completion(request_body: Mapping[str, Any], reply: Reply) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request_body.get("model", "fake-model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content, "refusal": reply.refusal},
                "finish_reason": reply.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


_URL_OR_EMAIL = re.compile(r"https?://[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_OVERRIDE = re.compile(r"(?:ignore|disregard|forget)\b[^.\n]{0,40}?\binstructions?\b[\s,.:;-]*([^\n]*)", re.IGNORECASE)


def obedient_adversary(request: ReceivedRequest) -> Reply:
    """A model that obeys the prompt's untrusted text: it echoes what follows "ignore previous instructions",
    adds every URL and email address it sees, asks for a referral and a call, and repeats its system prompt."""
    prompt = "\n".join(request.contents("user"))
    echoed = " ".join(match.group(1).strip() for match in _OVERRIDE.finditer(prompt))
    links = " ".join(dict.fromkeys(_URL_OR_EMAIL.findall(prompt)))
    leaked = " ".join(line for line in request.system.splitlines()[:3] if line.strip())
    body = (
        f"Hi! {echoed} Could you refer me for an opening on your team? "
        f"Let me know when you're free for a quick call. More at {links}. {leaked}"
    )
    return Reply.json(
        {"subject": "Referral request", "body": body, "shared_interest_topic": "referral", "bio_evidence": echoed[:80]}
    )

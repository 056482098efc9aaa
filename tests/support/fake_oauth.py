"""A stand-in for Cognito's managed login on 127.0.0.1, for browser tests of the web page's sign-in.

It answers the endpoints the page uses, as Cognito does for a public app client (no secret):

- `GET /oauth2/authorize`: checks the client, the redirect URI and the S256 code challenge, then sends
  the browser straight back to the redirect URI with a one-time code and the state (the user signs in
  at once, with no login form).
- `POST /oauth2/token`: the `authorization_code` grant (the code_verifier must hash to the challenge and
  the redirect URI must match) and the `refresh_token` grant; answers carry CORS headers, as Cognito's
  do, so a page on another origin can read them.
- `POST /oauth2/revoke`: revokes a refresh token.
- `GET /logout`: redirects to `logout_uri` when it is one of the client's sign-out URLs.

ID tokens are JWTs signed with HS256 and a key of this server's own; `verify` checks one as API
Gateway's JWT authorizer does (signature, issuer, audience, expiry). Every token request is recorded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

SCOPES = "openid email"


@dataclass(frozen=True)
class TokenRequest:
    """One POST /oauth2/token: its grant type and whether it was granted."""

    grant_type: str
    granted: bool


@dataclass(frozen=True)
class _PendingCode:
    challenge: str
    redirect_uri: str


class FakeCognito:
    """Cognito's managed login for one app client and one user, on 127.0.0.1 at a free port; a context manager."""

    def __init__(
        self, *, client_id: str = "noask-test-client", email: str = "ana@example.com", token_lifetime: int = 3600
    ) -> None:
        self.client_id = client_id
        self.email = email
        self.sub = str(uuid.uuid4())
        self.token_lifetime = token_lifetime
        # The client's callback and sign-out URLs; the test registers the app's URL once it has one.
        self.app_urls: set[str] = set()
        self._key = secrets.token_bytes(32)
        self._codes: dict[str, _PendingCode] = {}
        self._refresh_tokens: set[str] = set()
        self._revoked: set[str] = set()
        self._token_requests: list[TokenRequest] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-cognito", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def claims(self) -> dict[str, str]:
        """The user's claims as the JWT authorizer hands them to the function."""
        return {"sub": self.sub, "email": self.email, "token_use": "id"}

    @property
    def token_requests(self) -> list[TokenRequest]:
        with self._lock:
            return list(self._token_requests)

    def is_revoked(self, refresh_token: str) -> bool:
        with self._lock:
            return refresh_token in self._revoked

    def verify(self, token: str) -> dict[str, Any] | None:
        """The token's claims when it is an ID token this server signed for the client and it has not expired."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        expected = _b64url(hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, parts[2]):
            return None
        claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        if claims.get("iss") != self.url or claims.get("aud") != self.client_id or claims.get("exp", 0) <= time.time():
            return None
        return claims

    def start(self) -> FakeCognito:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeCognito:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    # ---- the endpoints ------------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or redirect_uri not in self.app_urls:
            # Cognito never redirects to a URL the client has not registered: it shows an error page.
            return HTTPStatus.BAD_REQUEST, {}, {"error": "redirect_mismatch"}
        back: dict[str, str] = {"state": query["state"]} if "state" in query else {}
        challenge = query.get("code_challenge", "")
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256" or not challenge:
            back["error"] = "invalid_request"
        elif query.get("scope") != SCOPES:
            back["error"] = "invalid_scope"
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = _PendingCode(challenge=challenge, redirect_uri=redirect_uri)
            back["code"] = code
        return HTTPStatus.FOUND, {"Location": f"{redirect_uri}?{urlencode(back)}"}, {}

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant_type = form.get("grant_type", "")
        tokens = self._grant(grant_type, form) if form.get("client_id") == self.client_id else None
        with self._lock:
            self._token_requests.append(TokenRequest(grant_type=grant_type, granted=tokens is not None))
        if tokens is None:
            return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"}
        return HTTPStatus.OK, tokens

    def revoke(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != self.client_id:
            return HTTPStatus.BAD_REQUEST, {"error": "invalid_client"}
        with self._lock:
            self._revoked.add(form.get("token", ""))
        return HTTPStatus.OK, {}

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        if query.get("client_id") != self.client_id or query.get("logout_uri") not in self.app_urls:
            return HTTPStatus.BAD_REQUEST, {}, {"error": "invalid_request"}
        return HTTPStatus.FOUND, {"Location": query["logout_uri"]}, {}

    def _grant(self, grant_type: str, form: dict[str, str]) -> dict[str, Any] | None:
        if grant_type == "authorization_code":
            with self._lock:
                # A code is good for one exchange only, whatever its outcome.
                pending = self._codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            if pending is None or form.get("redirect_uri") != pending.redirect_uri:
                return None
            if not hmac.compare_digest(_b64url(hashlib.sha256(verifier.encode("ascii")).digest()), pending.challenge):
                return None
            refresh_token = secrets.token_urlsafe(32)
            with self._lock:
                self._refresh_tokens.add(refresh_token)
            return {**self._issue(), "refresh_token": refresh_token}
        if grant_type == "refresh_token":
            refresh_token = form.get("refresh_token", "")
            with self._lock:
                usable = refresh_token in self._refresh_tokens and refresh_token not in self._revoked
            # Cognito answers a refresh with new ID and access tokens, and no new refresh token.
            return self._issue() if usable else None
        return None

    def _issue(self) -> dict[str, Any]:
        now = int(time.time())
        common = {"sub": self.sub, "iss": self.url, "iat": now, "exp": now + self.token_lifetime, "jti": str(uuid.uuid4())}
        return {
            "id_token": self._sign({**common, "aud": self.client_id, "email": self.email, "token_use": "id"}),
            "access_token": self._sign({**common, "client_id": self.client_id, "scope": SCOPES, "token_use": "access"}),
            "expires_in": self.token_lifetime,
            "token_type": "Bearer",
        }

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims).encode())
        signature = hmac.new(self._key, f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64url(signature)}"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _handler_for(cognito: FakeCognito) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            if parts.path == "/oauth2/authorize":
                self._send(*cognito.authorize(query))
            elif parts.path == "/logout":
                self._send(*cognito.logout(query))
            else:
                self._send(HTTPStatus.NOT_FOUND, {}, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode("utf-8")))
            cors = self._cors()
            if self.path == "/oauth2/token":
                status, body = cognito.token(form)
            elif self.path == "/oauth2/revoke":
                status, body = cognito.revoke(form)
            else:
                status, body = HTTPStatus.NOT_FOUND, {"error": "not_found"}
            self._send(status, cors, body)

        def do_OPTIONS(self) -> None:
            headers = {**self._cors(), "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type"}
            self._send(HTTPStatus.NO_CONTENT, headers, None)

        def _cors(self) -> dict[str, str]:
            origin = self.headers.get("Origin")
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {}

        def _send(self, status: int, headers: dict[str, str], body: dict[str, Any] | None) -> None:
            raw = b"" if body is None else json.dumps(body).encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the test asserts on recorded requests, not on a log

    return Handler

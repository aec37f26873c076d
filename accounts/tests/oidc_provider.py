"""A small, real OpenID provider for the tests, served over HTTP from a thread.

It follows the authorization code flow of OpenID Connect Core 1.0: discovery
(``/.well-known/openid-configuration``), signing keys (``/jwks``), ``/authorize`` (consents at
once for its one configured user), ``/token`` (checks the client secret, the redirect address,
single use of the code and the PKCE verifier; returns an RS256-signed ID token), ``/userinfo`` and
``/end_session``. ``fault`` makes it misbehave the way an attacker or a broken provider would:

- ``"issuer"``: the ID token names another issuer
- ``"audience"``: the ID token is for another client
- ``"signature"``: the ID token is signed with a key that is not in the JWKS (same kid)
- ``"expired"``: the ID token expired ten minutes ago
- ``"replay"``: the ID token issued for an earlier sign-in is returned again (its nonce is old)
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

FAULTS = ("issuer", "audience", "signature", "expired", "replay")


class LocalProvider:
    def __init__(self, client_id: str = "arki", client_secret: str = "local-test-secret") -> None:  # noqa: S107
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "arki-test-1"
        self.claims: dict[str, Any] = {
            "sub": "user-1",
            "email": "liisa.virtanen@example.fi",
            "email_verified": True,
            "name": "Liisa Virtanen",
            "groups": [],
        }
        self.fault: str | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.id_tokens: list[str] = []
        self.token_requests: list[dict[str, str]] = []
        self.ended_sessions: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def __enter__(self) -> LocalProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # --- what the endpoints answer --------------------------------------------------------

    def configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/end_session",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name", "groups"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, {"error": "unauthorized_client"}
        if "openid" not in query.get("scope", "").split() or not query.get("redirect_uri"):
            return 400, {}, {"error": "invalid_request"}
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "challenge": query.get("code_challenge"),
            "method": query.get("code_challenge_method"),
        }
        back = (
            f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        )
        return 302, {"Location": back}, None

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, Any]:
        self.token_requests.append(form)
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            return 400, {"error": "invalid_grant"}
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if grant["method"] != "S256" or expected != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = dict(self.claims)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(grant["nonce"]),
        }

    def id_token(self, nonce: str | None) -> str:
        if self.fault == "replay" and self.id_tokens:
            return self.id_tokens[-1]
        now = int(time.time())
        claims = {
            **self.claims,
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
        }
        if nonce:
            claims["nonce"] = nonce
        if self.fault == "issuer":
            claims["iss"] = "https://impostor.example.org"
        elif self.fault == "audience":
            claims["aud"] = "another-client"
        elif self.fault == "expired":
            claims.update(iat=now - 1200, exp=now - 600)
        key = self.other_key if self.fault == "signature" else self.key
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        self.id_tokens.append(token)
        return token

    def userinfo(self, authorization: str) -> tuple[int, Any]:
        claims = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if claims is None:
            return 401, {"error": "invalid_token"}
        return 200, claims

    def end_session(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        self.ended_sessions.append(query)
        back = query.get("post_logout_redirect_uri")
        if back:
            return 302, {"Location": back}, None
        return 200, {}, {"signed_out": True}


def _handler(provider: LocalProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self.reply(200, provider.configuration())
            elif url.path == "/jwks":
                self.reply(200, provider.jwks())
            elif url.path == "/authorize":
                status, headers, body = provider.authorize(query)
                self.reply(status, body, headers)
            elif url.path == "/userinfo":
                self.reply(*provider.userinfo(self.headers.get("Authorization", "")))
            elif url.path == "/end_session":
                status, headers, body = provider.end_session(query)
                self.reply(status, body, headers)
            else:
                self.reply(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {
                key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()
            }
            if urlparse(self.path).path == "/token":
                self.reply(*provider.token(form, self.headers.get("Authorization", "")))
            else:
                self.reply(404, {"error": "not_found"})

    return Handler

"""A small but real OpenID Connect provider for tests (authorization code flow).

It plays the identity broker (MitID Erhverv via NemLog-in) on 127.0.0.1 with a random port,
in a thread: the portal's OIDC client talks real HTTP to it and verifies real RS256
signatures against its published JWKS. A test says who logs in next with `login_as()`; the
`/authorize` endpoint then redirects straight back with a code, as a broker does once the
person has authenticated.

Endpoints: `/authorize`, `/token` (client_secret_post or client_secret_basic; single-use
codes; PKCE S256 when the client sent a challenge), `/userinfo` (Bearer), `/jwks` and
`/.well-known/openid-configuration`.

A `Login` can also carry flaws a hostile or broken broker might produce (another signing
key, an altered payload, other ID-token claims, another algorithm), so tests can prove that
the portal refuses them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

CODE_LIFETIME_SECONDS = 60
ID_TOKEN_LIFETIME_SECONDS = 300


def new_signing_key(kid: str = "test-signing-key") -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


@dataclass
class Login:
    """Who logs in next, and how the provider answers for them.

    `claims` are the UserInfo claims (besides `sub`, unless they name one themselves).
    The flaw fields are for tests of refusal: `id_token_claims` are merged over the standard
    ID-token claims (a value of None drops that claim); `signing_key` signs with a key the
    JWKS does not publish (under the published key id); `altered_after_signing` changes the
    payload after signing; `algorithm="HS256"` signs with the client secret instead.
    """

    sub: str
    claims: dict[str, Any]
    id_token_claims: dict[str, Any] = field(default_factory=dict)
    signing_key: RSAKey | None = None
    altered_after_signing: dict[str, Any] = field(default_factory=dict)
    algorithm: str = "RS256"


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    login: Login
    issued_at: float
    code_challenge: str = ""
    used: bool = False


class OIDCProvider:
    """Start with `with OIDCProvider(...) as provider:` (or `start()` / `stop()`)."""

    def __init__(
        self,
        *,
        client_id: str = "adgang-test",
        client_secret: str | None = None,
        redirect_uris: tuple[str, ...] = (),
        signing_key: RSAKey | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(32)
        self.redirect_uris = set(redirect_uris)
        self.signing_key = signing_key or new_signing_key()
        self.next_login: Login | None = None
        self.requests: list[str] = []  # "POST /token" …, in the order they arrived
        self._grants: dict[str, _Grant] = {}
        self._access_tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle -------------------------------------------------------------------

    def start(self) -> OIDCProvider:
        provider = self

        class Handler(_Handler):
            pass

        Handler.provider = provider
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits up to one interval
            name="oidc-provider",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> OIDCProvider:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- what tests use ---------------------------------------------------------------

    @property
    def issuer(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.issuer}/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.issuer}/userinfo"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks"

    def login_as(self, claims: dict[str, Any], *, sub: str | None = None, **flaws) -> Login:
        """Who the next (and every later) authorization is for, until changed."""
        self.next_login = Login(sub=sub or f"sub-{secrets.token_hex(8)}", claims=claims, **flaws)
        return self.next_login

    def configure_django(self, settings) -> None:
        """Point the portal's OIDC client at this provider (`settings`: pytest-django's).

        mozilla-django-oidc reads these when its views and backend are instantiated, i.e. on
        every request and every `authenticate()`, so changing them per test is enough.
        """
        settings.OIDC_RP_CLIENT_ID = self.client_id
        settings.OIDC_RP_CLIENT_SECRET = self.client_secret
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = self.authorization_endpoint
        settings.OIDC_OP_TOKEN_ENDPOINT = self.token_endpoint
        settings.OIDC_OP_USER_ENDPOINT = self.userinfo_endpoint
        settings.OIDC_OP_JWKS_ENDPOINT = self.jwks_uri
        settings.OIDC_OP_ISSUER = self.issuer
        settings.ADGANG_OIDC_ENABLED = True

    def paths_requested(self) -> list[str]:
        with self._lock:
            return list(self.requests)

    # --- protocol ---------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
        # An unknown client or redirect URI must never be redirected to (RFC 6749 §4.1.2.1).
        if client_id != self.client_id:
            return _text(400, "unknown client_id")
        if redirect_uri not in self.redirect_uris:
            return _text(400, "redirect_uri is not registered for this client")
        state = query.get("state", "")
        if query.get("response_type") != "code":
            return _redirect(redirect_uri, error="unsupported_response_type", state=state)
        if "openid" not in query.get("scope", "").split():
            return _redirect(redirect_uri, error="invalid_scope", state=state)
        if not state or not query.get("nonce"):
            return _redirect(redirect_uri, error="invalid_request", state=state)
        challenge = query.get("code_challenge", "")
        if challenge and query.get("code_challenge_method") != "S256":
            return _redirect(redirect_uri, error="invalid_request", state=state)
        if self.next_login is None:
            return _redirect(redirect_uri, error="access_denied", state=state)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                client_id=client_id,
                redirect_uri=redirect_uri,
                nonce=query["nonce"],
                login=self.next_login,
                issued_at=time.time(),
                code_challenge=challenge,
            )
        return _redirect(redirect_uri, code=code, state=state)

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict, bytes]:
        client_id = self._authenticated_client(form, authorization)
        if client_id is None:
            return _json(401, {"error": "invalid_client"})
        if form.get("grant_type") != "authorization_code":
            return _json(400, {"error": "unsupported_grant_type"})
        with self._lock:
            grant = self._grants.get(form.get("code", ""))
            usable = (
                grant is not None
                and not grant.used
                and time.time() - grant.issued_at <= CODE_LIFETIME_SECONDS
            )
            if grant is not None:
                grant.used = True  # single use, whether this attempt succeeds or not
        if not usable or grant.client_id != client_id:
            return _json(400, {"error": "invalid_grant"})
        if form.get("redirect_uri") != grant.redirect_uri:
            return _json(400, {"error": "invalid_grant"})
        if grant.code_challenge and _s256(form.get("code_verifier", "")) != grant.code_challenge:
            return _json(400, {"error": "invalid_grant"})
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = {"sub": grant.login.sub, **grant.login.claims}
        return _json(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            },
        )

    def userinfo(self, authorization: str) -> tuple[int, dict, bytes]:
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            claims = self._access_tokens.get(token) if scheme.lower() == "bearer" else None
        if claims is None:
            return _json(401, {"error": "invalid_token"})
        return _json(200, claims)

    def jwks(self) -> tuple[int, dict, bytes]:
        return _json(200, KeySet([self.signing_key]).as_dict(private=False))

    def discovery(self) -> tuple[int, dict, bytes]:
        return _json(
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": self.authorization_endpoint,
                "token_endpoint": self.token_endpoint,
                "userinfo_endpoint": self.userinfo_endpoint,
                "jwks_uri": self.jwks_uri,
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
                "code_challenge_methods_supported": ["S256"],
            },
        )

    def _authenticated_client(self, form: dict[str, str], authorization: str) -> str | None:
        """The client id if exactly one authentication method is used and is right."""
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "basic":
            if "client_secret" in form:
                return None  # RFC 6749 §2.3: one method only
            try:
                decoded = base64.b64decode(credentials, validate=True).decode()
            except ValueError:
                return None
            client_id, _, secret = decoded.partition(":")
            client_id, secret = unquote_plus(client_id), unquote_plus(secret)
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id == self.client_id and secrets.compare_digest(secret, self.client_secret):
            return client_id
        return None

    def _id_token(self, grant: _Grant) -> str:
        login = grant.login
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": login.sub,
            "aud": grant.client_id,
            "nonce": grant.nonce,
            "iat": now,
            "auth_time": now,
            "exp": now + ID_TOKEN_LIFETIME_SECONDS,
        }
        claims.update(login.id_token_claims)
        claims = {name: value for name, value in claims.items() if value is not None}
        if login.algorithm == "HS256":
            header = {"alg": "HS256", "kid": self.signing_key.kid}
            token = jwt.encode(header, claims, OctKey.import_key(self.client_secret))
        else:
            header = {"alg": "RS256", "kid": self.signing_key.kid}
            token = jwt.encode(header, claims, login.signing_key or self.signing_key)
        if login.altered_after_signing:
            head, _, signature = token.split(".")
            altered = {**claims, **login.altered_after_signing}
            token = f"{head}.{_b64(json.dumps(altered).encode())}.{signature}"
        return token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _s256(verifier: str) -> str:
    return _b64(hashlib.sha256(verifier.encode()).digest())


def _redirect(uri: str, **params: str) -> tuple[int, dict, bytes]:
    separator = "&" if urlsplit(uri).query else "?"
    return 302, {"Location": f"{uri}{separator}{urlencode(params)}"}, b""


def _json(status: int, body: dict) -> tuple[int, dict, bytes]:
    headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
    return status, headers, json.dumps(body).encode()


def _text(status: int, message: str) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, message.encode()


class _Handler(BaseHTTPRequestHandler):
    provider: OIDCProvider

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        routes = {
            "/authorize": lambda: self.provider.authorize(query),
            "/userinfo": lambda: self.provider.userinfo(self.headers.get("Authorization", "")),
            "/jwks": self.provider.jwks,
            "/.well-known/openid-configuration": self.provider.discovery,
        }
        self._answer("GET", url.path, routes)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        form = {name: values[0] for name, values in parse_qs(body).items()}
        authorization = self.headers.get("Authorization", "")
        routes = {"/token": lambda: self.provider.token(form, authorization)}
        self._answer("POST", url.path, routes)

    def _answer(self, method: str, path: str, routes) -> None:
        with self.provider._lock:
            self.provider.requests.append(f"{method} {path}")
        route = routes.get(path)
        status, headers, body = route() if route else _text(404, "not found")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass

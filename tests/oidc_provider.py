"""A real OpenID provider on loopback for the single sign-on tests: oidc-provider-mock's
Flask app (authorization code flow, ID tokens signed with RS256, userinfo, JWKS,
discovery) served by werkzeug on a thread, stopped when the test ends.

oidc-provider-mock does not check PKCE, so `PkceCheck` wraps it and does what a provider
must (RFC 7636): remember the S256 challenge of each authorization request, and refuse
a code at the token endpoint unless the verifier hashes to that challenge.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import oidc_provider_mock
import werkzeug.serving
from werkzeug.wrappers import Request, Response


@dataclass
class PkceCheck:
    app: object
    challenges: dict[str, str] = field(default_factory=dict)  # code -> challenge
    verified: list[str] = field(default_factory=list)  # codes exchanged with a good verifier
    _pending: str | None = None

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/oauth2/authorize":
            if request.args.get("code_challenge_method") != "S256":
                return Response("PKCE (S256) is required", status=400)(environ, start_response)
            challenge = request.args["code_challenge"]

            def remember(status, headers, exc_info=None):
                location = dict(headers).get("Location", "")
                code = parse_qs(urlparse(location).query).get("code", [None])[0]
                if code:
                    self.challenges[code] = challenge
                return start_response(status, headers, exc_info)

            return self.app(environ, remember)
        if request.path == "/oauth2/token" and request.method == "POST":
            body = request.get_data()
            # The wrapped app reads the body again.
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            form = parse_qs(body.decode())
            code = form.get("code", [""])[0]
            verifier = form.get("code_verifier", [""])[0]
            digest = hashlib.sha256(verifier.encode()).digest()
            computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if self.challenges.get(code) != computed:
                return Response('{"error": "invalid_grant"}', status=400)(environ, start_response)
            self.verified.append(code)
        return self.app(environ, start_response)


@dataclass
class Provider:
    issuer: str
    pkce: PkceCheck


@contextmanager
def running_provider(users: list[oidc_provider_mock.User]) -> Iterator[Provider]:
    pkce = PkceCheck(oidc_provider_mock.app(user_claims=users, require_nonce=True))
    server = werkzeug.serving.make_server("127.0.0.1", 0, pkce, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(issuer=f"http://127.0.0.1:{server.server_port}", pkce=pkce)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()

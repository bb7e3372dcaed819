"""The headers every response of the portal carries (SPEC §14; settings SECURE_*, django-csp).

The same set tests/test_security.py asserts on a handful of pages, here for every GET of the
access matrix.
"""


def csp_directives(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        if part.strip():
            name, *values = part.split()
            directives[name] = values
    return directives


def assert_security_headers(response) -> None:
    url = getattr(response, "request", {}).get("PATH_INFO", "")
    assert "Content-Security-Policy" in response, url
    csp = csp_directives(response)
    assert csp.get("default-src") == ["'self'"], (url, csp)
    assert csp.get("frame-ancestors") == ["'none'"], (url, csp)
    assert csp.get("object-src") == ["'none'"], (url, csp)
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp.get(directive, []), (url, directive)
    _assert_other_headers(response, url)


def assert_probe_security_headers(response) -> None:
    """/healthz, /readyz, /metrics answer JSON or text: a CSP that allows nothing at all
    (`default-src 'none'` also covers object-src, script-src and style-src)."""
    url = getattr(response, "request", {}).get("PATH_INFO", "")
    assert "Content-Security-Policy" in response, url
    csp = csp_directives(response)
    assert csp == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}, (url, csp)
    _assert_other_headers(response, url)


def _assert_other_headers(response, url: str) -> None:
    assert response["X-Frame-Options"] == "DENY", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url

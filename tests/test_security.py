"""The security baseline of SPEC §14: CSP, framing, cookies, deploy checks, error pages, CSRF.

This module is also a tiny URL configuration (the portal's own plus a view that fails), used
through ROOT_URLCONF to see the 500 page exactly as a visitor would.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from adgang import urls as portal_urls
from adgang.accounts.access import public
from adgang.audit.models import ActionLogEntry

ROOT = Path(__file__).resolve().parents[1]
DKFDS_STYLESHEET = "dkfds/css/dkfds-virkdk.min.css"


@public
def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [*portal_urls.urlpatterns, path("fejl-test/", failing_view)]
handler403 = portal_urls.handler403
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def pages(client_as):
    """`pages()` → responses of pages of every kind: public, form, logged in, refused."""

    def get():
        anonymous = Client()
        alice = client_as("alice")
        dorte = client_as("dorte")
        return {
            "login": anonymous.get("/login/"),
            "testportal": anonymous.get("/testportal/"),
            "overview": alice.get("/oversigt/"),
            "context switch": dorte.get("/skift-kontekst/"),
            "forbidden": alice.get("/statistik/"),
            "not found": alice.get("/findes-ikke/"),
        }

    return get


# --- Headers -------------------------------------------------------------------------------


def test_pages_carry_a_content_security_policy_without_unsafe_inline(pages):
    for name, response in pages().items():
        directives = csp_directives(response)
        for directive in ("script-src", "style-src"):
            assert directive in directives, name
            assert "'unsafe-inline'" not in directives[directive], (name, directive)
            assert "'unsafe-eval'" not in directives[directive], (name, directive)
        assert directives["default-src"] == ["'self'"], name
        assert directives["object-src"] == ["'none'"], name
        assert directives["frame-ancestors"] == ["'none'"], name


def test_pages_have_no_inline_styles_or_scripts_the_policy_would_block(pages):
    for name, response in pages().items():
        html = response.content.decode()
        assert not re.search(r"<[^>]+\sstyle=", html), name
        assert not re.search(r"<style[\s>]", html), name
        assert not re.search(r"\son[a-z]+=", html), name  # event handler attributes
        for script in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in script or "nonce=" in script, (name, script)


def test_pages_may_not_be_framed(pages):
    for name, response in pages().items():
        assert response["X-Frame-Options"] == "DENY", name


def test_pages_carry_the_other_security_headers(pages):
    for name, response in pages().items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


# --- Cookies -------------------------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite(personas):
    response = Client().post("/login/", {"person": str(personas.alice.person_id)})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_csrf_cookie_is_httponly(db):
    response = Client().get("/login/")
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- Production settings -------------------------------------------------------------------


def production_env(tmp_path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "ADGANG_", "DATABASE_URL"))
    }
    env.update(DJANGO_ENV="production", ADGANG_VAR_DIR=str(tmp_path))
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "ADGANG_TESTPORTAL_ENABLED")}))
"""


def test_production_settings_have_secure_cookies_hsts_and_no_test_portal(tmp_path):
    env = production_env(tmp_path) | {"DJANGO_SETTINGS_MODULE": "adgang.settings"}
    result = run(["-c", PRINT_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "ADGANG_TESTPORTAL_ENABLED": False,
    }


# --- Error pages ---------------------------------------------------------------------------


def assert_danish_dkfds_page(response, status: int, title: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert DKFDS_STYLESHEET in html
    assert re.search(rf"<h1[^>]*>\s*{re.escape(title)}\s*</h1>", html), html[:2000]
    assert re.search(rf"Fejlkode:?\s*{status}", html)


def test_403_page_is_the_danish_dkfds_page(client_as):
    response = client_as("charlie").get("/systemtilslutning/")
    assert_danish_dkfds_page(response, 403, "Ingen adgang")
    assert "Du har ikke rettighed til denne side." in response.content.decode()


@pytest.mark.django_db
def test_404_page_is_the_danish_dkfds_page():
    response = Client().get("/findes-ikke/")
    assert_danish_dkfds_page(response, 404, "Siden findes ikke")
    assert "Vi kan ikke finde den side, du leder efter." in response.content.decode()


@pytest.mark.django_db
def test_500_page_is_the_danish_dkfds_page(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/fejl-test/")
    assert_danish_dkfds_page(response, 500, "Der opstod en fejl")
    html = response.content.decode()
    assert "Der skete en uventet fejl." in html
    assert "boom" not in html
    assert "Traceback" not in html


def test_500_page_keeps_the_logged_in_header(settings, client_as):
    client = client_as("alice")
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/fejl-test/")
    assert_danish_dkfds_page(response, 500, "Der opstod en fejl")
    assert "Alice Andersen" in response.content.decode()


# --- CSRF ----------------------------------------------------------------------------------

FORM_EXPIRED = "Formularen er udløbet"


def test_login_posted_without_csrf_token_gets_the_form_expired_page(personas):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    response = client.post("/login/", {"person": str(personas.alice.person_id)})
    assert response.status_code == 403
    html = response.content.decode()
    assert re.search(rf"<h1[^>]*>\s*{FORM_EXPIRED}\s*</h1>", html)
    assert '<html lang="da">' in html
    assert "_auth_user_id" not in client.session


def test_form_posted_with_a_wrong_csrf_token_changes_nothing(personas):
    client = Client(enforce_csrf_checks=True)
    html = client.get("/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    logged_in = client.post(
        "/login/", {"person": str(personas.morten.person_id), "csrfmiddlewaretoken": token}
    )
    assert logged_in.status_code == 302
    response = client.post(
        "/skift-kontekst/",
        {"organisation": str(personas.morten_m.organisation_id), "csrfmiddlewaretoken": "x" * 64},
    )
    assert response.status_code == 403
    assert FORM_EXPIRED in response.content.decode()
    assert not ActionLogEntry.objects.filter(subject="Kontekst").exists()
    assert client.session["adgang_organisation_id"] == str(personas.morten.organisation_id)

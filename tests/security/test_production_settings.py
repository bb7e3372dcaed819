"""Settings that production reads from its environment (issue 10, operations and ASVS 3.4.4).

Each case starts a fresh interpreter with `DJANGO_ENV=production` (or the development
default) and the variables under test, so the module-level settings are computed exactly as
a deployed process computes them.
"""

import json

import pytest
from django.core import mail

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership
from adgang.nemsms import gateway
from tests.test_security import production_env, run

PRINT = """
import json, sys, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in sys.argv[1:]}))
"""

COOKIE_SETTINGS = (
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_PATH",
    "CSRF_COOKIE_DOMAIN",
)


def settings_of(env: dict[str, str], *names: str) -> dict:
    env = env | {"DJANGO_SETTINGS_MODULE": "adgang.settings"}
    result = run(["-c", PRINT, *names], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def development_env(tmp_path) -> dict[str, str]:
    return production_env(tmp_path) | {"DJANGO_ENV": "development"}


def test_production_cookies_carry_the_host_prefix(tmp_path):
    # A `__Host-` cookie is accepted by browsers only with Secure, Path=/ and no Domain.
    assert settings_of(production_env(tmp_path), *COOKIE_SETTINGS) == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_PATH": "/",
        "CSRF_COOKIE_DOMAIN": None,
    }


def test_development_keeps_the_plain_cookie_names(tmp_path):
    # Plain http on 127.0.0.1 cannot carry Secure cookies, so the prefix is production's only.
    values = settings_of(development_env(tmp_path), "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME")
    assert values == {"SESSION_COOKIE_NAME": "sessionid", "CSRF_COOKIE_NAME": "csrftoken"}


@pytest.mark.django_db
def test_with_the_production_cookie_settings_the_login_sets_host_prefixed_cookies(settings, client):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    accounts_demo.load()
    page = client.get("/login/", secure=True)
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
    token = page.context["csrf_token"]
    membership = Membership.objects.first()
    answer = client.post(
        "/login/",
        {"person": str(membership.person_id), "csrfmiddlewaretoken": token},
        secure=True,
    )
    assert answer.status_code == 302, answer.content[:500]
    session = answer.cookies["__Host-sessionid"]
    assert session["secure"] and session["path"] == "/" and not session["domain"]
    assert "sessionid" not in answer.cookies
    assert client.get("/oversigt/", secure=True).status_code == 200  # the cookie comes back


EMAIL_ENV = {
    "ADGANG_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "ADGANG_EMAIL_HOST": "smtp.example.dk",
    "ADGANG_EMAIL_PORT": "587",
    "ADGANG_EMAIL_HOST_USER": "adgang",
    "ADGANG_EMAIL_HOST_PASSWORD": "s3cret",
    "ADGANG_EMAIL_USE_TLS": "true",
    "ADGANG_EMAIL_USE_SSL": "false",
    "ADGANG_EMAIL_TIMEOUT": "12",
}
EMAIL_SETTINGS = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.dk",
    "EMAIL_PORT": 587,
    "EMAIL_HOST_USER": "adgang",
    "EMAIL_HOST_PASSWORD": "s3cret",
    "EMAIL_USE_TLS": True,
    "EMAIL_USE_SSL": False,
    "EMAIL_TIMEOUT": 12,
}


def test_smtp_settings_are_read_from_the_environment(tmp_path):
    values = settings_of(production_env(tmp_path) | EMAIL_ENV, *EMAIL_SETTINGS)
    assert values == EMAIL_SETTINGS


def test_smtp_settings_default_to_the_outbox_and_django_defaults(tmp_path):
    values = settings_of(production_env(tmp_path), *EMAIL_SETTINGS)
    assert values == {
        "EMAIL_BACKEND": "adgang.statistics.mail.OutboxEmailBackend",
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 30,
    }


def test_the_smtp_backend_takes_the_settings(settings):
    for name, value in EMAIL_SETTINGS.items():
        setattr(settings, name, value)
    connection = mail.get_connection()
    assert (connection.host, connection.port, connection.username, connection.password) == (
        "smtp.example.dk",
        587,
        "adgang",
        "s3cret",
    )
    assert (connection.use_tls, connection.use_ssl, connection.timeout) == (True, False, 12)


def test_sms_backend_is_read_from_the_environment(tmp_path):
    backend = "tests.support.messaging_ingest.ListSmsBackend"
    env = production_env(tmp_path) | {"ADGANG_SMS_BACKEND": backend}
    assert settings_of(env, "ADGANG_SMS_BACKEND") == {"ADGANG_SMS_BACKEND": backend}


def test_sms_backend_defaults_to_the_outbox(tmp_path):
    values = settings_of(production_env(tmp_path), "ADGANG_SMS_BACKEND")
    assert values == {"ADGANG_SMS_BACKEND": gateway.DEFAULT_BACKEND}

"""Session management (SPEC §14; ASVS V3): fixation, idle timeout, absolute lifetime, logout.

What tests/accounts already proves (a new key at login, the idle timeout page by page, logout
on the client, django-axes lockout) is referenced from docs/security.md, not repeated; these
add the server side: an old or stolen key is dead, not just forgotten by the client.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from adgang.accounts.middleware import SESSION_REFRESH_SECONDS
from adgang.audit.models import ActionLogEntry
from tests.security.headers import assert_security_headers

START = "2026-03-02 09:00:00+01:00"


def with_cookie(key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def test_a_planted_pre_login_session_is_replaced_and_destroyed_at_login(personas):
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client = with_cookie(planted.session_key)

    assert client.post("/login/", {"person": str(personas.alice.person_id)}).status_code == 302

    assert client.session.session_key != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert with_cookie(planted.session_key).get("/oversigt/").status_code == 302


def test_logout_destroys_the_session_on_the_server(client_as):
    client = client_as("alice")
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value

    assert client.post("/logout/").status_code == 302

    assert not Session.objects.filter(session_key=stolen).exists()
    response = with_cookie(stolen).get("/oversigt/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_idle_timeout_is_at_most_thirty_minutes_and_slides_with_use():
    """Sliding: SessionRefreshMiddleware saves a used session at least once a minute (in
    place of SESSION_SAVE_EVERY_REQUEST), so the idle timeout is 29–30 minutes, never more."""
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert SESSION_REFRESH_SECONDS <= 60
    sessions = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    refresh = "adgang.accounts.middleware.SessionRefreshMiddleware"
    assert settings.MIDDLEWARE[sessions + 1] == refresh
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_session_idle_past_the_timeout_is_dead_on_the_server(client_as, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    time_machine.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))

    response = with_cookie(key).get("/oversigt/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_session_in_constant_use_ends_after_twelve_hours(client_as, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    statuses = []
    for _ in range(12 * 2 + 1):  # a request every 29 minutes for more than 12 hours
        time_machine.shift(timedelta(minutes=29))
        response = client.get("/oversigt/")
        statuses.append(response.status_code)

    assert statuses[:-1] == [200] * 24  # 11 h 36 min: still in
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not Session.objects.filter(session_key=key).exists()  # dead on the server
    page = client.get(response["Location"]).content.decode()
    assert "Du har været logget ind i mere end 12 timer. Log ind igen for at fortsætte." in page


def test_the_absolute_lifetime_defaults_to_twelve_hours():
    assert settings.ADGANG_SESSION_MAX_AGE_HOURS == 12


def test_a_post_after_the_lifetime_changes_nothing(client_as, personas, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("morten")  # employed by Kommune A and Kommune M
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    for _ in range(24):  # 11 h 36 min of use
        time_machine.shift(timedelta(minutes=29))
        assert client.get("/oversigt/").status_code == 200
    time_machine.shift(timedelta(minutes=29))
    logged = ActionLogEntry.objects.count()

    switch = {"organisation": str(personas.morten_m.organisation_id)}
    response = client.post("/skift-kontekst/", switch)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert ActionLogEntry.objects.count() == logged  # no context switch happened
    assert not Session.objects.filter(session_key=key).exists()


def test_a_context_switch_does_not_restart_the_lifetime(client_as, personas, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("morten")  # employed by Kommune A and Kommune M
    for _ in range(20):
        time_machine.shift(timedelta(minutes=29))
        assert client.get("/oversigt/").status_code == 200
    switch = {"organisation": str(personas.morten_m.organisation_id)}
    assert client.post("/skift-kontekst/", switch).status_code == 302
    for _ in range(4):  # 20 × 29 + 4 × 29 min = 11 h 36 min
        time_machine.shift(timedelta(minutes=29))
        assert client.get("/oversigt/").status_code == 200

    time_machine.shift(timedelta(minutes=29))
    response = client.get("/oversigt/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_new_login_restarts_the_lifetime(client_as, personas, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    for _ in range(24):  # 11 h 36 min of use
        time_machine.shift(timedelta(minutes=29))
        assert client.get("/oversigt/").status_code == 200
    client.post("/logout/")
    assert client.post("/login/", {"person": str(personas.alice.person_id)}).status_code == 302

    for _ in range(4):  # 13 h 32 min after the first login, 1 h 56 min after the second
        time_machine.shift(timedelta(minutes=29))
        assert client.get("/oversigt/").status_code == 200


@pytest.mark.parametrize("hours", [1, 2])
def test_the_lifetime_is_a_setting(client_as, settings, time_machine, hours):
    settings.ADGANG_SESSION_MAX_AGE_HOURS = hours
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    statuses = []
    for _ in range(5):
        time_machine.shift(timedelta(minutes=29))
        statuses.append(client.get("/oversigt/").status_code)
    in_time = hours * 60 // 29  # requests at 29, 58, 87 … minutes within the lifetime
    assert statuses[:in_time] == [200] * in_time
    assert statuses[in_time] == 302


def test_the_redirect_at_the_end_of_the_lifetime_carries_the_security_headers(
    client_as, settings, time_machine
):
    settings.ADGANG_SESSION_MAX_AGE_HOURS = 0
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    time_machine.shift(timedelta(seconds=1))

    response = client.get("/oversigt/")

    assert response.status_code == 302
    assert_security_headers(response)

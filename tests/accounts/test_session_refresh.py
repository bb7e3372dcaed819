"""The idle timeout slides with use at one session write a minute at most (SPEC §14, issue 10).

Saving the session on every request cost every page view an UPDATE and a commit; the expiry is
now refreshed when the last save is a minute old or more, so a session still ends within
SESSION_COOKIE_AGE of its last request, never later.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from adgang.accounts.middleware import SESSION_REFRESH_SECONDS

START = "2026-03-02 09:00:00+01:00"


def session_writes(client: Client, path: str = "/oversigt/") -> tuple[int, int]:
    """The status of `GET path` and how many statements wrote to the session table."""
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    return status, len(writes)


def expiry(client: Client):
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Session.objects.get(session_key=key).expire_date


def test_the_refresh_interval_is_one_minute_and_every_request_no_longer_saves():
    assert SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    position = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert (
        settings.MIDDLEWARE[position + 1] == "adgang.accounts.middleware.SessionRefreshMiddleware"
    )


def test_two_requests_within_a_minute_write_the_session_once(client_as, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    time_machine.shift(timedelta(seconds=SESSION_REFRESH_SECONDS))

    first = session_writes(client)
    time_machine.shift(timedelta(seconds=SESSION_REFRESH_SECONDS - 1))
    second = session_writes(client)

    assert (first, second) == ((200, 1), (200, 0))


def test_a_request_a_minute_after_the_last_write_moves_the_expiry(client_as, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    at_login = expiry(client)
    time_machine.shift(timedelta(seconds=SESSION_REFRESH_SECONDS - 1))
    assert session_writes(client) == (200, 0)
    assert expiry(client) == at_login

    time_machine.shift(timedelta(seconds=1))

    assert session_writes(client) == (200, 1)
    assert expiry(client) == at_login + timedelta(seconds=SESSION_REFRESH_SECONDS)


def test_idle_for_the_timeout_after_a_request_that_wrote_nothing_logs_out(client_as, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    time_machine.shift(timedelta(seconds=30))
    assert session_writes(client) == (200, 0)  # within the minute: the expiry stays

    time_machine.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE))  # 30 min idle

    response = client.get("/oversigt/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_use_every_few_minutes_keeps_the_session_well_past_the_timeout(client_as, time_machine):
    time_machine.move_to(START, tick=False)
    client = client_as("alice")
    statuses = []
    for _ in range(3 * settings.SESSION_COOKIE_AGE // 600):  # 3 × the timeout, every 10 min
        time_machine.shift(timedelta(minutes=10))
        statuses.append(client.get("/oversigt/").status_code)
    assert set(statuses) == {200}


def test_a_session_changed_by_the_view_is_written_once_with_the_new_stamp(
    client_as, personas, time_machine
):
    time_machine.move_to(START, tick=False)
    client = client_as("morten")  # employed by Kommune A and Kommune M
    switch = {"organisation": str(personas.morten_m.organisation_id)}
    with CaptureQueriesContext(connection) as captured:
        assert client.post("/skift-kontekst/", switch).status_code == 302
    saves = [q for q in captured.captured_queries if q["sql"].startswith('UPDATE "django_session"')]
    assert len(saves) == 1
    time_machine.shift(timedelta(seconds=SESSION_REFRESH_SECONDS - 1))
    assert session_writes(client) == (200, 0)  # the switch's save counts as the refresh


def test_a_cookie_of_no_live_session_creates_no_session(db):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key-0123456789ab"
    before = Session.objects.count()

    response = client.get("/login/")

    assert response.status_code == 200
    assert Session.objects.count() == before

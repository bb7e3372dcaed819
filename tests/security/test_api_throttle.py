"""Brute-force throttling of the API's Basic auth (ASVS 2.2.1; adgang/systems/throttle.py).

Ten wrong keys for one system within five minutes: every further call naming that system
answers 429 in the NgDP ErrorMessage shape with Retry-After, without the key being looked
at, so not even the right key gets in and nothing is stored. Other systems are unaffected;
a right key before the limit resets the count; the window ends.
"""

import base64
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from adgang.systems import auth as systems_auth
from tests.support.messaging_api import api_client, assert_error, memo_post
from tests.support.messaging_core import memo_xml, sender_system
from tests.support.messaging_ingest import store_counts

THROTTLED = "authorization.throttled"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sender(personas):
    return sender_system(personas.alice)


def freeze(time_machine) -> None:
    """Stop the clock now (after the system was created and activated)."""
    time_machine.move_to(timezone.now(), tick=False)


def wrong(system) -> str:
    return "Basic " + base64.b64encode(f"{system.pk}:{'x' * 43}".encode()).decode()


def fail(system, times: int) -> None:
    for _ in range(times):
        assert_error(
            memo_post(api_client(), wrong(system), memo_xml()), 401, "authorization.invalid"
        )


def test_the_defaults_are_ten_failures_in_five_minutes(settings):
    assert settings.ADGANG_API_AUTH_FAILURE_LIMIT == 10
    assert settings.ADGANG_API_AUTH_FAILURE_WINDOW_SECONDS == 300


def test_after_ten_wrong_keys_even_the_right_key_answers_429_and_stores_nothing(
    sender, time_machine
):
    freeze(time_machine)
    system, auth = sender
    fail(system, 10)
    before = store_counts()

    response = memo_post(api_client(), auth, memo_xml())

    body = assert_error(response, 429, THROTTLED)
    assert body["fieldErrors"] == []
    assert response["Retry-After"] == "300"
    assert store_counts() == before
    system.refresh_from_db()
    assert system.last_used_at is None  # not authenticated, not even "used"


def test_the_throttled_answer_never_looks_at_the_key(sender, monkeypatch):
    system, auth = sender
    fail(system, 10)

    def must_not_compare(*args, **kwargs):
        raise AssertionError("the key was compared while throttled")

    monkeypatch.setattr(systems_auth, "apikey_matches", must_not_compare)

    assert_error(memo_post(api_client(), auth, memo_xml()), 429, THROTTLED)


def test_nine_wrong_keys_still_let_the_right_key_in(sender):
    system, auth = sender
    fail(system, 9)

    assert memo_post(api_client(), auth, memo_xml()).status_code == 201


def test_another_system_is_unaffected(personas, sender):
    system, _ = sender
    other, other_auth = sender_system(personas.alice)
    fail(system, 10)

    assert memo_post(api_client(), other_auth, memo_xml()).status_code == 201
    assert_error(memo_post(api_client(), wrong(other), memo_xml()), 401, "authorization.invalid")


def test_a_success_resets_the_count(sender):
    system, auth = sender
    fail(system, 9)
    assert memo_post(api_client(), auth, memo_xml()).status_code == 201
    fail(system, 9)

    assert memo_post(api_client(), auth, memo_xml()).status_code == 201


def test_the_throttle_ends_with_the_window(sender, time_machine):
    freeze(time_machine)
    system, auth = sender
    fail(system, 10)
    time_machine.shift(timedelta(seconds=200))
    response = memo_post(api_client(), auth, memo_xml())
    assert_error(response, 429, THROTTLED)
    assert response["Retry-After"] == "100"  # the window counts from the first failure

    time_machine.shift(timedelta(seconds=100))

    response = memo_post(api_client(), auth, memo_xml())
    assert response.status_code == 201, response.json()


def test_the_limit_and_window_are_settings(sender, settings, time_machine):
    settings.ADGANG_API_AUTH_FAILURE_LIMIT = 3
    settings.ADGANG_API_AUTH_FAILURE_WINDOW_SECONDS = 60
    freeze(time_machine)
    system, auth = sender
    fail(system, 3)

    response = memo_post(api_client(), auth, memo_xml())

    assert_error(response, 429, THROTTLED)
    assert response["Retry-After"] == "60"


def test_with_the_database_cache_the_count_is_shared_across_processes(sender, settings):
    """ADGANG_CACHE_URL=dbcache://…: the failures are rows every process reads."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "adgang_test_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    system, auth = sender
    fail(system, 10)

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM adgang_test_cache")
        assert cursor.fetchone()[0] == 1

    assert_error(memo_post(api_client(), auth, memo_xml()), 429, THROTTLED)


def test_a_right_key_without_failures_only_reads_the_cache(sender, monkeypatch):
    """The throttle costs a successful call one cache read (a query with a shared database
    cache), no write."""
    _system, authorization = sender
    writes = []
    monkeypatch.setattr(cache, "delete", lambda *args, **kwargs: writes.append(("delete", args)))
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: writes.append(("set", args)))
    response = memo_post(api_client(), authorization, memo_xml())
    assert response.status_code == 201, response.content
    assert writes == []

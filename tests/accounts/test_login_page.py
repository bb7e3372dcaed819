"""The login page /login/ (SPEC §1 "Login", §15 "Test login") and login throttling (§14)."""

import re
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from adgang.accounts import demo
from adgang.accounts.models import Person

UNKNOWN_PERSON = "Testpersonen findes ikke. Vælg en person på listen."
LOCKED_OUT = (
    "Der har været for mange mislykkede loginforsøg fra din adresse. Vent 15 minutter, og "
    "prøv igen."
)


def csrf_token_of(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def logged_in_person(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_page_lists_every_demo_person_with_a_login_button(personas):
    html = Client().get("/login/").content.decode()
    people = Person.objects.filter(memberships__isnull=False).distinct()
    assert people.count() == len(demo.PEOPLE)
    for person in people:
        assert f'data-person="{person.pk}"' in html
        assert f'name="person" value="{person.pk}"' in html
        assert person.name in html
    assert html.count("data-person=") == len(demo.PEOPLE)


def test_login_page_shows_each_persons_organisations_rids_and_rights(personas):
    html = Client().get("/login/").content.decode()
    row = re.search(rf'<tr data-person="{personas.morten.person_id}">(.*?)</tr>', html, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())
    assert text.startswith(
        "Morten Mikkelsen Kommune A (31415926) Kommune M (27182828) 1009 2009 "
        "Systemadministrator Systemadministrator, Logadministrator – meddelelser"
    )


def test_login_with_csrf_token_acts_for_the_persons_first_organisation(personas):
    client = Client(enforce_csrf_checks=True)
    token = csrf_token_of(client.get("/login/").content.decode())
    response = client.post(
        "/login/", {"person": str(personas.morten.person_id), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/oversigt/"
    assert logged_in_person(client) == str(personas.morten.person_id)
    # Morten is employed by Kommune A and Kommune M; the first by name is Kommune A.
    assert client.session["adgang_organisation_id"] == str(personas.morten.organisation_id)
    assert client.session["adgang_membership_id"] == personas.morten.pk
    html = client.get("/oversigt/").content.decode()
    assert "Kommune A (CVR: 31415926)" in html


def test_login_starts_a_new_session_key(personas):
    client = Client()
    client.get("/login/")
    client.cookies["sessionid"] = "an-attacker-chosen-session-key"
    client.post("/login/", {"person": str(personas.alice.person_id)})
    assert client.session.session_key != "an-attacker-chosen-session-key"


@pytest.mark.parametrize(
    "person",
    ["", "garbage", "12345", str(uuid.UUID(int=0)), "'; DROP TABLE accounts_person; --"],
)
def test_unknown_or_garbage_person_is_refused_with_400_and_not_logged_in(personas, person):
    client = Client()
    response = client.post("/login/", {"person": person})
    assert response.status_code == 400
    assert UNKNOWN_PERSON in response.content.decode()
    assert logged_in_person(client) is None


def test_inactive_person_cannot_log_in(personas):
    Person.objects.filter(pk=personas.bob.person_id).update(is_active=False)
    client = Client()
    response = client.post("/login/", {"person": str(personas.bob.person_id)})
    assert response.status_code == 400
    assert logged_in_person(client) is None


def test_person_without_any_organisation_cannot_log_in(db):
    stray = Person.objects.create_person(name="Uden Organisation")
    client = Client()
    response = client.post("/login/", {"person": str(stray.pk)})
    assert response.status_code == 400
    assert UNKNOWN_PERSON in response.content.decode()
    assert logged_in_person(client) is None


def test_anonymous_page_request_is_sent_to_login_with_next(db):
    response = Client().get("/oversigt/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/oversigt/"


def test_login_page_carries_next_into_each_login_form(personas):
    html = Client().get("/login/?next=/haendelseslog/").content.decode()
    assert html.count('name="next" value="/haendelseslog/"') == len(demo.PEOPLE)


def test_refused_login_keeps_next_for_the_next_attempt(personas):
    response = Client().post("/login/", {"person": "garbage", "next": "/statistik/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('name="next" value="/statistik/"') == len(demo.PEOPLE)


@pytest.mark.parametrize("target", ["/haendelseslog/", "/statistik/?periode=2026"])
def test_safe_relative_next_is_honoured(personas, target):
    response = Client().post("/login/", {"person": str(personas.bob.person_id), "next": target})
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/oversigt/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_external_next_is_ignored(personas, target):
    response = Client().post("/login/", {"person": str(personas.bob.person_id), "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/oversigt/"


def test_logout_ends_the_session(personas, client_as):
    client = client_as("alice")
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert logged_in_person(client) is None
    assert client.get("/oversigt/").status_code == 302


def test_logout_is_not_possible_by_get(personas, client_as):
    client = client_as("alice")
    assert client.get("/logout/").status_code == 405
    assert logged_in_person(client) == str(personas.alice.person_id)


# --- Throttling (django-axes) --------------------------------------------------------------


def fail_login(client, times: int) -> list[int]:
    return [client.post("/login/", {"person": "garbage"}).status_code for _ in range(times)]


def test_failed_logins_up_to_the_limit_lock_the_client_out(personas):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    # django-axes locks out on the attempt that reaches the limit and answers 429.
    assert fail_login(client, limit) == [400] * (limit - 1) + [429]


def test_locked_out_client_cannot_log_in_even_as_a_valid_person(personas):
    client = Client()
    fail_login(client, settings.AXES_FAILURE_LIMIT)
    response = client.post("/login/", {"person": str(personas.alice.person_id)})
    assert response.status_code == 429
    html = response.content.decode()
    assert "For mange loginforsøg" in html
    assert LOCKED_OUT in html
    assert logged_in_person(client) is None


def test_lockout_lasts_the_cool_off_time(personas, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+01:00", tick=False)
    client = Client()
    fail_login(client, settings.AXES_FAILURE_LIMIT)
    time_machine.shift(settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert client.post("/login/", {"person": str(personas.alice.person_id)}).status_code == 429
    assert logged_in_person(client) is None


def test_lockout_ends_after_the_cool_off_time(personas, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+01:00", tick=False)
    client = Client()
    fail_login(client, settings.AXES_FAILURE_LIMIT)
    time_machine.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    response = client.post("/login/", {"person": str(personas.alice.person_id)})
    assert response.status_code == 302
    assert logged_in_person(client) == str(personas.alice.person_id)


def test_successful_login_resets_the_failure_count(personas):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    fail_login(client, limit - 1)
    assert client.post("/login/", {"person": str(personas.alice.person_id)}).status_code == 302
    client.post("/logout/")
    assert fail_login(client, limit - 1) == [400] * (limit - 1)

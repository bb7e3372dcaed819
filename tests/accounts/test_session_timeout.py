"""Session timeout (SPEC §14): a session ends after SESSION_COOKIE_AGE without a request."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from adgang.audit.models import ActionLogEntry, Subject

EXPIRED = "Din session er udløbet. Log ind igen for at fortsætte."
START = "2026-03-02 09:00:00+01:00"


@pytest.fixture
def morten(client_as, time_machine):
    time_machine.move_to(START, tick=False)
    return client_as("morten")


def switch_to_kommune_m(client, personas):
    return client.post("/skift-kontekst/", {"organisation": str(personas.maja.organisation_id)})


def kontekst_entries() -> int:
    return ActionLogEntry.objects.filter(subject=Subject.KONTEKST).count()


def test_form_posted_after_the_idle_time_is_sent_to_login_and_changes_nothing(
    personas, morten, time_machine
):
    time_machine.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    response = switch_to_kommune_m(morten, personas)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/skift-kontekst/"
    assert kontekst_entries() == 0
    assert "_auth_user_id" not in morten.session
    login_page = morten.get(response["Location"])
    assert EXPIRED in login_page.content.decode()


def test_page_requested_after_the_idle_time_says_the_session_expired(
    personas, morten, time_machine
):
    time_machine.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    response = morten.get("/oversigt/", follow=True)
    assert response.redirect_chain == [("/login/?next=/oversigt/", 302)]
    assert EXPIRED in response.content.decode()


def test_first_visit_without_a_session_is_not_told_it_expired(db):
    response = Client().get("/oversigt/", follow=True)
    assert EXPIRED not in response.content.decode()


def test_visit_after_logging_out_is_not_told_it_expired(personas, morten):
    morten.post("/logout/")
    response = morten.get("/oversigt/", follow=True)
    assert response.redirect_chain == [("/login/?next=/oversigt/", 302)]
    assert EXPIRED not in response.content.decode()


def test_form_posted_within_the_idle_time_is_carried_out(personas, morten, time_machine):
    time_machine.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
    response = switch_to_kommune_m(morten, personas)
    assert response.status_code == 302
    assert response["Location"] == "/oversigt/"
    assert kontekst_entries() == 1


def test_every_request_extends_the_session(personas, morten, time_machine):
    step = timedelta(seconds=settings.SESSION_COOKIE_AGE * 2 // 3)
    for _ in range(3):  # twice the idle time in all, never idle for longer than it
        time_machine.shift(step)
        assert morten.get("/oversigt/").status_code == 200
    response = switch_to_kommune_m(morten, personas)
    assert response["Location"] == "/oversigt/"
    assert kontekst_entries() == 1

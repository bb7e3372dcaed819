"""Receipts offered once, right after the action (SPEC §6): kept in the person's session under
an opaque token for a few minutes, then gone."""

from datetime import timedelta

import time_machine
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from adgang.core.clock import now
from adgang.documents.kept_once import KEEP_FOR, MAX_KEPT, receipt_keep, receipt_peek


def request_with_session():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def test_kept_data_is_found_by_token_and_kind_only():
    request = request_with_session()
    token = receipt_keep(request, "exemption-citizen", {"cpr": "0101901234"})
    assert len(token) >= 20
    assert receipt_peek(request, "exemption-citizen", token) == {"cpr": "0101901234"}
    assert receipt_peek(request, "nemsms", token) is None
    assert receipt_peek(request, "exemption-citizen", "guess") is None


def test_another_session_cannot_see_it():
    token = receipt_keep(request_with_session(), "k", {"a": 1})
    assert receipt_peek(request_with_session(), "k", token) is None


def test_gone_after_the_keeping_time():
    request = request_with_session()
    with time_machine.travel(now(), tick=False) as traveller:
        token = receipt_keep(request, "k", {"a": 1})
        traveller.shift(KEEP_FOR - timedelta(seconds=1))
        assert receipt_peek(request, "k", token) == {"a": 1}
        traveller.shift(timedelta(seconds=2))
        assert receipt_peek(request, "k", token) is None


def test_a_session_keeps_at_most_max_kept_the_oldest_go_first():
    request = request_with_session()
    with time_machine.travel(now(), tick=False) as traveller:
        tokens = []
        for index in range(MAX_KEPT + 3):
            tokens.append(receipt_keep(request, "k", {"i": index}))
            traveller.shift(timedelta(seconds=1))
        assert len(request.session["receipts_kept_once"]) == MAX_KEPT
        assert receipt_peek(request, "k", tokens[0]) is None
        assert receipt_peek(request, "k", tokens[-1]) == {"i": MAX_KEPT + 2}

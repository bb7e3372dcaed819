"""SessionKeep: values kept in the person's own session under opaque tokens (expiry, at most
N entries, bound to the organisation acted for, one session cannot see another's)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from adgang.core.clock import now
from adgang.ui.session_keep import SessionKeep

KEPT = SessionKeep("test_kept", keep_for=timedelta(minutes=30), max_kept=3)


def make_request(organisation="org-a", session=None):
    request = RequestFactory().get("/")
    request.session = session if session is not None else SessionStore()
    request.acting = SimpleNamespace(organisation=SimpleNamespace(pk=organisation))
    return request


def test_kept_data_is_found_by_its_token_only():
    request = make_request()
    token = KEPT.keep(request, {"cpr": "0101901234"})
    assert len(token) >= 20
    assert KEPT.get(request, token) == {"cpr": "0101901234"}
    assert KEPT.require(request, token) == {"cpr": "0101901234"}
    assert KEPT.get(request, "guess") is None
    with pytest.raises(Http404):
        KEPT.require(request, "guess")


def test_tokens_differ_and_carry_nothing_of_the_data():
    request = make_request()
    tokens = {KEPT.keep(request, {"cpr": "0101901234"}) for _ in range(3)}
    assert len(tokens) == 3
    assert not any("0101901234" in token for token in tokens)


def test_another_session_cannot_see_it():
    token = KEPT.keep(make_request(), {"a": 1})
    assert KEPT.get(make_request(), token) is None


def test_the_session_survives_a_save_and_load_as_json():
    request = make_request()
    token = KEPT.keep(request, {"a": [1, 2], "b": None})
    request.session.save()
    again = make_request(session=SessionStore(session_key=request.session.session_key))
    assert KEPT.get(again, token) == {"a": [1, 2], "b": None}


def test_it_expires_after_keep_for():
    with time_machine.travel(now(), tick=False) as traveller:
        request = make_request()
        token = KEPT.keep(request, {"a": 1})
        traveller.shift(timedelta(minutes=30) - timedelta(seconds=1))
        assert KEPT.get(request, token) == {"a": 1}
        traveller.shift(timedelta(seconds=2))
        assert KEPT.get(request, token) is None
        with pytest.raises(Http404):
            KEPT.require(request, token)


def test_expired_entries_are_pruned_on_write():
    with time_machine.travel(now(), tick=False) as traveller:
        request = make_request()
        old = KEPT.keep(request, {"a": 1})
        traveller.shift(timedelta(hours=1))
        KEPT.keep(request, {"b": 2})
        assert old not in request.session["test_kept"]
        assert len(request.session["test_kept"]) == 1


def test_without_keep_for_it_lasts_as_long_as_the_session():
    forever = SessionKeep("test_forever", keep_for=None, max_kept=2)
    with time_machine.travel(now(), tick=False) as traveller:
        request = make_request()
        token = forever.keep(request, {"a": 1})
        traveller.shift(timedelta(days=30))
        assert forever.get(request, token) == {"a": 1}


def test_at_most_max_kept_the_oldest_go_first():
    with time_machine.travel(now(), tick=False) as traveller:
        request = make_request()
        tokens = []
        for index in range(5):
            tokens.append(KEPT.keep(request, {"i": index}))
            traveller.shift(timedelta(seconds=1))
        assert len(request.session["test_kept"]) == 3
        assert [KEPT.get(request, token) for token in tokens] == [
            None,
            None,
            {"i": 2},
            {"i": 3},
            {"i": 4},
        ]


def test_bound_to_the_organisation_acted_for():
    session = SessionStore()
    token = KEPT.keep(make_request("org-a", session), {"a": 1})
    other = make_request("org-b", session)
    assert KEPT.get(other, token) is None
    with pytest.raises(Http404):
        KEPT.require(other, token)
    KEPT.update(other, token, {"a": 2})
    assert KEPT.get(make_request("org-a", session), token) == {"a": 1}


def test_unbound_it_follows_the_person_across_organisations():
    unbound = SessionKeep(
        "test_unbound", keep_for=timedelta(minutes=5), max_kept=5, bind_organisation=False
    )
    session = SessionStore()
    request = RequestFactory().get("/")
    request.session = session  # no request.acting needed
    token = unbound.keep(request, {"a": 1})
    assert unbound.get(make_request("org-b", session), token) == {"a": 1}


def test_kind_must_match():
    request = make_request()
    token = KEPT.keep(request, {"a": 1}, kind="citizen")
    assert KEPT.get(request, token, kind="citizen") == {"a": 1}
    assert KEPT.get(request, token, kind="company") is None
    assert KEPT.get(request, token) is None
    untyped = KEPT.keep(request, {"b": 2})
    assert KEPT.get(request, untyped, kind="citizen") is None


def test_get_returns_a_copy_and_update_replaces_the_data():
    request = make_request()
    token = KEPT.keep(request, {"draft": {}})
    data = KEPT.get(request, token)
    data["draft"]["phone"] = "12345678"
    assert KEPT.get(request, token) == {"draft": {}}
    KEPT.update(request, token, data)
    assert KEPT.get(request, token) == {"draft": {"phone": "12345678"}}


def test_update_keeps_the_expiry():
    with time_machine.travel(now(), tick=False) as traveller:
        request = make_request()
        token = KEPT.keep(request, {"a": 1})
        traveller.shift(timedelta(minutes=20))
        KEPT.update(request, token, {"a": 2})
        traveller.shift(timedelta(minutes=11))
        assert KEPT.get(request, token) is None


def test_update_of_an_unknown_token_adds_nothing():
    request = make_request()
    KEPT.update(request, "guess", {"a": 1})
    assert KEPT.get(request, "guess") is None
    assert request.session.get("test_kept", {}) == {}


def test_forget_drops_only_that_entry():
    request = make_request()
    first = KEPT.keep(request, {"a": 1})
    second = KEPT.keep(request, {"b": 2})
    KEPT.forget(request, first)
    KEPT.forget(request, "guess")
    assert KEPT.get(request, first) is None
    assert KEPT.get(request, second) == {"b": 2}


def test_writes_mark_the_session_modified():
    request = make_request()
    token = KEPT.keep(request, {"a": 1})
    request.session.modified = False
    KEPT.update(request, token, {"a": 2})
    assert request.session.modified


def test_max_kept_must_be_positive():
    with pytest.raises(ValueError):
        SessionKeep("x", keep_for=None, max_kept=0)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(
    data=st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    count=st.integers(min_value=1, max_value=8),
)
def test_property_never_more_than_max_and_the_newest_is_always_there(data, count):
    request = make_request()
    token = None
    for _ in range(count):
        token = KEPT.keep(request, data)
    assert len(request.session["test_kept"]) <= KEPT.max_kept
    assert KEPT.get(request, token) == data

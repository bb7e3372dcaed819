"""Shared fixtures: the demo personas of DESIGN.md, logged-in clients."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from adgang.accounts import demo
from adgang.accounts.models import Membership
from adgang.testing import login

# Persona name → (organisation CVR, RID) as created by adgang.accounts.demo.
PERSONAS = {
    "alice": (demo.ORGANISATIONS["A"][0], "1001"),
    "bob": (demo.ORGANISATIONS["A"][0], "1002"),
    "lars": (demo.ORGANISATIONS["A"][0], "1003"),
    "lene": (demo.ORGANISATIONS["A"][0], "1004"),
    "leif": (demo.ORGANISATIONS["A"][0], "1005"),
    "sofie": (demo.ORGANISATIONS["A"][0], "1006"),
    "erik": (demo.ORGANISATIONS["A"][0], "1007"),
    "charlie": (demo.ORGANISATIONS["A"][0], "1008"),
    "morten": (demo.ORGANISATIONS["A"][0], "1009"),
    "morten_m": (demo.ORGANISATIONS["M"][0], "2009"),
    "maja": (demo.ORGANISATIONS["M"][0], "2001"),
    "birgitte": (demo.ORGANISATIONS["B"][0], "3001"),
    "sune": (demo.ORGANISATIONS["S"][0], "4001"),
    "tina": (demo.ORGANISATIONS["T"][0], "6001"),
    "dorte": (demo.ORGANISATIONS["D"][0], "9001"),
}


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the platform's language: a request through LocaleMiddleware
    activates the visitor's language in the thread and never deactivates it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def personas(db):
    """The demo data loaded; attributes are Memberships: `personas.alice.organisation` …"""
    demo.load()
    memberships = {
        name: Membership.objects.select_related("person", "organisation").get(
            organisation__cvr=cvr, rid=rid
        )
        for name, (cvr, rid) in PERSONAS.items()
    }
    return SimpleNamespace(**memberships)


@pytest.fixture
def client_as(personas):
    """`client_as("alice")` → a Django test Client logged in as that persona."""

    def make(name: str) -> Client:
        return login(Client(), getattr(personas, name))

    return make

"""The security suite (issue 10): every test here carries the `security` marker.

`world` builds the whole demo once per module (every app's demo step, SPEC §15) inside one
outer transaction, the way Django's `setUpTestData` does: each test's own transaction is a
savepoint inside it and is rolled back, and the outer one is rolled back when the module is
done, so nothing leaks into other modules.
"""

from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.utils.module_loading import import_string

from adgang.accounts.models import Membership
from adgang.core.management.commands.demo import DEMO_STEPS
from adgang.testing import login
from tests.conftest import PERSONAS

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.security)


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The full demo, M's objects for the matrix, and a saved login for every persona."""
    from tests.security import world as build

    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                for step in DEMO_STEPS:
                    import_string(step)()
                memberships = {
                    name: Membership.objects.select_related("person", "organisation").get(
                        organisation__cvr=cvr, rid=rid
                    )
                    for name, (cvr, rid) in PERSONAS.items()
                }
                cookies = {
                    name: SimpleCookie(login(Client(), membership).cookies.output(header=""))
                    for name, membership in memberships.items()
                }
                yield SimpleNamespace(
                    memberships=memberships,
                    cookies=cookies,
                    foreign=build.foreign_objects(memberships),
                )
                raise _Rollback
        except _Rollback:
            pass


@pytest.fixture
def browser(world, db):
    """`browser("alice")` → a fresh Client holding the persona's saved session cookie."""

    def make(name: str | None, **options) -> Client:
        client = Client(**options)
        if name is not None:
            for key, morsel in world.cookies[name].items():
                client.cookies[key] = morsel.value
        return client

    return make

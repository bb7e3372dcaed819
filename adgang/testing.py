"""Test helpers that every app's tests use (tenant isolation, logging in as a persona).

Kept in the package (not under tests/) so later apps' test suites import one definition.
"""

from django.test import Client

from adgang.accounts.models import Membership


def login(client: Client, membership: Membership) -> Client:
    """Log `client` in through the real test-portal login and act for `membership`'s org."""
    response = client.post("/login/", {"person": str(membership.person_id)})
    assert response.status_code == 302, response.content[:500]
    if client.session.get("adgang_organisation_id") != str(membership.organisation_id):
        response = client.post(
            "/skift-kontekst/", {"organisation": str(membership.organisation_id)}
        )
        assert response.status_code == 302, response.content[:500]
    return client


def assert_tenant_isolated(client: Client, url: str, *, method: str = "get", data=None) -> None:
    """Another organisation's object must answer 404 (SPEC §1), never 200 or 403.

    403 would confirm that the object exists; 404 reveals nothing.
    """
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, (
        f"{method.upper()} {url} answered {response.status_code}, expected 404 for another "
        "organisation's data"
    )

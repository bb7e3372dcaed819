"""The overview's rendering cost does not grow with its rows' links (issue 10: pages).

Each row links to its details, edit and (groups) delete pages; those URLs are reversed once
per page and name, not by five `{% url %}` per row.
"""

from urllib.parse import urlencode

import django.urls
import pytest

from adgang.contacts.models import ContactGroup, ContactPoint
from adgang.contacts.views import overview
from tests.support.contacts_factories import build

STRUCTURE = {
    "groups": ["ID", "pas", "Sundhed", "Tom"],
    "points": ["Bortkommet pas", "Fornyelse af pas", "Generelt", "Tandpleje", "Løs"],
    "edges": [
        ("ID", "pas"),
        ("pas", "Bortkommet pas"),
        ("pas", "Fornyelse af pas"),
        ("ID", "Generelt"),
        ("Sundhed", "Tandpleje"),
        ("Sundhed", "Generelt"),
    ],
}


@pytest.fixture
def built(personas):
    return build(personas.alice.organisation, **STRUCTURE)


def reversals(client, monkeypatch, url: str) -> tuple[int, str]:
    calls = []
    for module in (django.urls, overview):  # `{% url %}` imports it when it renders
        real = getattr(module, "reverse", django.urls.reverse)
        monkeypatch.setattr(
            module,
            "reverse",
            lambda *a, real=real, **k: calls.append(a) or real(*a, **k),
            raising=False,
        )
    response = client.get(url)
    monkeypatch.undo()
    assert response.status_code == 200
    return len(calls), response.content.decode()


def test_opening_every_group_adds_rows_but_no_url_reversals(
    client_as, personas, built, monkeypatch
):
    client = client_as("alice")
    groups = ContactGroup.objects.filter(organisation=personas.alice.organisation)
    opened = "/kontaktstruktur/?" + urlencode(
        {"aaben": [str(g.pk) for g in groups], "per_side": 100}, doseq=True
    )

    closed_calls, closed_page = reversals(client, monkeypatch, "/kontaktstruktur/?per_side=100")
    open_calls, open_page = reversals(client, monkeypatch, opened)

    assert open_page.count("<tr data-node") == closed_page.count("<tr data-node") + 6
    assert open_calls == closed_calls


def test_every_row_links_to_its_own_pages(client_as, personas, built):
    group = ContactGroup.objects.get(organisation=personas.alice.organisation, name="Tom")
    page = client_as("alice").get("/kontaktstruktur/?per_side=100").content.decode()
    assert f'href="/kontaktstruktur/gruppe/{group.pk}/rediger/"' in page
    assert f'href="/kontaktstruktur/gruppe/{group.pk}/slet/"' in page
    assert f'<a href="/kontaktstruktur/gruppe/{group.pk}/" data-testid="name">Tom</a>' in page
    point = ContactPoint.objects.get(organisation=personas.alice.organisation, name="Løs")
    assert f'<a href="/kontaktstruktur/kontaktpunkt/{point.pk}/" data-testid="name">Løs</a>' in page
    assert f'href="/kontaktstruktur/kontaktpunkt/{point.pk}/rediger/"' in page

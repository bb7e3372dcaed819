"""The message log page (SPEC §5 "Log for messages"): search, saved search, table, paging."""

from datetime import timedelta

from adgang.eventlog import views
from adgang.eventlog.models import SavedSearch
from adgang.messaging.events import EventTag
from adgang.testing import assert_tenant_isolated
from tests.support.eventlog_rows import CITIZEN, eventlog_searches, message_event

URL = "/haendelseslog/meddelelser/"


def search(client, **data):
    return client.post(URL, data)


def test_search_redirects_to_an_opaque_saved_search_without_the_terms(personas, client_as, frozen):
    client = client_as("lars")
    response = search(client, party_id=CITIZEN)
    assert response.status_code == 302
    saved = SavedSearch.objects.get()
    assert response["Location"] == f"{URL}?s={saved.pk}"
    assert CITIZEN not in response["Location"]
    assert saved.criteria == {"start": "2025-12-15", "end": "2026-03-15", "party_id": CITIZEN}
    assert saved.person == personas.lars.person
    assert saved.organisation == personas.lars.organisation


def test_results_show_the_matching_rows_with_the_cpr_masked(personas, client_as, frozen):
    org = personas.lars.organisation
    message_event(org, frozen - timedelta(days=1), title="Din sag")
    message_event(org, frozen - timedelta(days=1), title="Anden", recipient_id="0202805678")
    client = client_as("lars")
    page = client.get(search(client, party_id=CITIZEN)["Location"])
    html = page.content.decode()
    assert "Resultater (1)" in html
    table = html[html.index('data-testid="log-table"') :]
    assert "Din sag" in table and "Anden" not in table
    assert "010190-****" in table
    assert CITIZEN not in table


def test_every_search_writes_one_search_log_row_with_the_count(personas, client_as, frozen):
    org = personas.lars.organisation
    for _ in range(3):
        message_event(org, frozen - timedelta(days=2))
    client = client_as("lars")
    search(client, party_id=CITIZEN)
    entry = eventlog_searches(org).get()
    assert (entry.search_data, entry.result_count, entry.actor_rid) == (CITIZEN, 3, "1003")
    client.get(f"{URL}?s={SavedSearch.objects.get().pk}&page=1")
    assert eventlog_searches(org).count() == 1  # paging is not a new search


def test_a_search_without_personal_data_logs_the_organisations_cvr(personas, client_as, frozen):
    org = personas.lars.organisation
    search(client_as("lars"), kind="BREV")
    assert eventlog_searches(org).get().search_data == org.cvr


def test_another_organisations_rows_are_never_shown(personas, client_as, frozen):
    message_event(personas.maja.organisation, frozen - timedelta(days=1), title="Kommune M")
    message_event(personas.lars.organisation, frozen - timedelta(days=1), title="Kommune A")
    client = client_as("lars")
    html = client.get(search(client)["Location"]).content.decode()
    assert "Kommune A" in html and "Kommune M" not in html


def test_another_persons_saved_search_is_404(personas, client_as, frozen):
    client = client_as("lars")
    location = search(client, party_id=CITIZEN)["Location"]
    searches = eventlog_searches(personas.bob.organisation).count()
    assert_tenant_isolated(client_as("bob"), location)
    assert_tenant_isolated(client_as("bob"), location.replace(URL, URL + "download/"))
    assert eventlog_searches(personas.bob.organisation).count() == searches


def test_a_saved_search_of_another_log_or_a_garbage_id_is_404(personas, client_as, frozen):
    client = client_as("bob")
    location = search(client)["Location"]
    assert client.get(location.replace(URL, "/haendelseslog/handlinger/")).status_code == 404
    assert client.get(f"{URL}?s=not-a-uuid").status_code == 404


def test_paging_past_the_end_shows_the_last_page_and_says_so(personas, client_as, frozen):
    org = personas.lars.organisation
    for day in range(12):
        message_event(org, frozen - timedelta(days=day + 1), title=f"Nr {day}")
    client = client_as("lars")
    location = search(client)["Location"]
    html = client.get(f"{location}&page=9", follow=True).content.decode()
    assert "Side 9 findes ikke. Du ser den sidste side af resultaterne." in html
    assert "Nr 11" in html and "Nr 0" not in html


def test_sorting_on_title_and_rows_per_page(personas, client_as, frozen):
    org = personas.lars.organisation
    for title in ("Beta", "Alfa", "Gamma"):
        message_event(org, frozen - timedelta(days=1), title=title)
    client = client_as("lars")
    location = search(client)["Location"]
    html = client.get(f"{location}&sort=titel&size=10").content.decode()
    assert html.index("Alfa") < html.index("Beta") < html.index("Gamma")
    html = client.get(f"{location}&sort=-titel").content.decode()
    assert html.index("Gamma") < html.index("Beta") < html.index("Alfa")


def test_a_row_expands_to_its_details(personas, client_as, frozen):
    org = personas.lars.organisation
    message_event(
        org,
        frozen - timedelta(days=1),
        event=EventTag.BUSINESS_RECEIPT_FAILED,
        endpoint="https://kvittering.example/ind",
        error_message="Timeout",
        attachment_count=2,
    )
    client = client_as("lars")
    html = client.get(search(client)["Location"]).content.decode()
    assert "<details data-row-details>" in html
    assert "https://kvittering.example/ind" in html and "Timeout" in html
    assert "Forretningskvittering fejlet" in html


def test_the_search_terms_never_reach_a_url(personas, client_as, frozen):
    message_event(personas.lars.organisation, frozen - timedelta(days=1))
    client = client_as("lars")
    html = client.get(search(client, party_id=CITIZEN)["Location"]).content.decode()
    hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert hrefs and not [href for href in hrefs if CITIZEN in href]


def test_a_result_count_over_the_cap_is_shown_as_over_the_cap(
    personas, client_as, frozen, monkeypatch
):
    """The pages count at most COUNT_CAP rows (an exact count of millions would be paid on
    every page); the search log still records the exact number."""
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    org = personas.lars.organisation
    for _ in range(3):
        message_event(org, frozen - timedelta(days=1))
    client = client_as("lars")
    html = client.get(search(client, party_id=CITIZEN)["Location"]).content.decode()
    assert "Resultater (over 2)" in html
    assert 'data-testid="count-capped"' in html
    assert eventlog_searches(org).get().result_count == 3

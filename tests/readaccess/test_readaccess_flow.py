"""Adgang through the pages (SPEC §8, guide §10): search, table, create, receipt, revoke."""

import io
from datetime import date

from pypdf import PdfReader

from adgang.audit.models import ActionLogEntry, SearchLogEntry
from adgang.messaging.events import EventTag
from adgang.messaging.models import Message
from adgang.readaccess.models import AccessType, EndReason, ReadAccess
from tests.readaccess.conftest import (
    COMPANY,
    GIVER,
    HOLDER,
    create,
    exempt,
    flow_to_summary,
    search_giver,
)


def test_searching_the_giver_shows_the_info_box_without_the_cpr_in_the_url(client_as):
    client = client_as("bob")
    url = search_giver(client)
    assert GIVER.cpr not in url and GIVER.cpr[:6] not in url
    page = client.get(url).content.decode()
    assert GIVER.name in page
    assert "150385-1284" in page
    assert "Tilmeldt" in page
    assert "Opret adgang" in page


def test_each_lookup_is_in_the_search_log_under_adgangsregister(client_as):
    client = client_as("bob")
    flow_to_summary(client)
    rows = list(
        SearchLogEntry.objects.order_by("occurred_at").values_list("search_data", "register")
    )
    assert rows == [(GIVER.cpr, "Adgangsregister"), (HOLDER.cpr, "Adgangsregister")]


def test_the_giver_page_says_when_the_giver_is_exempt(client_as, personas):
    exempt(personas)
    client = client_as("bob")
    page = client.get(search_giver(client)).content.decode()
    assert "Borgeren er fritaget for Digital Post" in page
    assert "Fritaget for Digital Post fra" in page


def test_the_table_masks_cpr_and_shows_type_created_and_expiry(client_as, personas):
    create(personas, HOLDER, access_type=AccessType.READ_WRITE, expires_on=date(2026, 12, 31))
    create(personas, COMPANY, employee_name="Birgitte Hansen")
    client = client_as("bob")
    page = client.get(search_giver(client)).content.decode()
    assert "120403-****" in page and HOLDER.cpr not in page
    assert COMPANY.cvr in page and COMPANY.name in page
    assert "Læse- og skriveadgang" in page and "Læseadgang" in page
    assert "2026-12-31" in page and "Ubegrænset" in page
    assert "2026-03-02" in page
    assert "Birgitte Hansen" in page
    assert page.count('data-testid="revoke"') == 2


def test_create_read_and_write_for_a_company_with_an_employee(client_as):
    client = client_as("bob")
    giver_url = flow_to_summary(
        client,
        COMPANY.cvr,
        access_type=AccessType.READ_WRITE,
        employee_name="Birgitte Hansen",
        unlimited=None,
        expires_on="2026-06-30",
    )
    summary = client.get(giver_url + "opret/opsummering/").content.decode()
    assert "Birgitte Hansen" in summary and "30.06.2026" in summary
    assert not ReadAccess.objects.exists()
    response = client.post(giver_url + "opret/opsummering/", {"approve": "1"})
    assert response.status_code == 302
    access = ReadAccess.objects.get()
    assert (access.holder_id_type, access.holder_id) == ("CVR", COMPANY.cvr)
    assert access.access_type == AccessType.READ_WRITE
    assert access.employee_name == "Birgitte Hansen"
    assert access.expires_on == date(2026, 6, 30)
    receipt = client.get(response["Location"]).content.decode()
    assert "Adgang oprettet" in receipt and "150385-****" in receipt
    assert "Hvad betyder adgangen?" in receipt
    pdf = client.get(response["Location"] + "pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Læse- og skriveadgang" in text and COMPANY.name in text
    assert "Birgitte Hansen" in text and "150385-****" in text


def test_the_receipt_is_kept_once_in_the_session_only(client_as):
    client = client_as("bob")
    giver_url = flow_to_summary(client)
    location = client.post(giver_url + "opret/opsummering/", {"approve": "1"})["Location"]
    other = client_as("bob")  # another session of the same person
    assert other.get(location).status_code == 404
    assert other.get(location + "pdf/").status_code == 404


def test_create_logs_the_action_with_type_expiry_and_concerns(client_as):
    client = client_as("bob")
    giver_url = flow_to_summary(client, unlimited=None, expires_on="2027-01-15")
    client.post(giver_url + "opret/opsummering/", {"approve": "1"})
    access = ReadAccess.objects.get()
    entries = ActionLogEntry.objects.filter(subject="Adgang", event="Adgang oprettet")
    fields = {e.field: (e.before, e.after) for e in entries}
    assert fields["Adgangstype"] == ("", "Læseadgang")
    assert fields["Udløbsdato"] == ("", "2027-01-15")
    assert {e.concerns for e in entries} == {GIVER.cpr}
    assert {e.object_id for e in entries} == {str(access.pk)}
    assert all(HOLDER.name in e.object_name for e in entries)
    assert {e.actor for e in entries} == {"CVR:31415926-RID:1002"}


def test_giver_and_holder_are_notified_on_create_and_on_revoke(client_as):
    client = client_as("bob")
    giver_url = flow_to_summary(client)
    client.post(giver_url + "opret/opsummering/", {"approve": "1"})
    recipients = sorted(Message.objects.values_list("recipient_id", flat=True))
    assert recipients == sorted([GIVER.cpr, HOLDER.cpr])
    access = ReadAccess.objects.get()
    client.post(f"{giver_url}ophaev/{access.pk}/")
    assert Message.objects.count() == 4
    titles = set(Message.objects.values_list("title", flat=True))
    assert titles == {
        "Der er oprettet en adgang til Digital Post",
        "En adgang til Digital Post er ophævet",
    }
    assert all(m.route == "MAILBOX" for m in Message.objects.all())
    for message in Message.objects.all():
        assert message.events.filter(event=EventTag.AVAILABLE_TO_RECIPIENT).exists()


def test_revoke_asks_for_confirmation_then_ends_the_access_now(client_as, personas):
    access = create(personas)
    client = client_as("bob")
    giver_url = search_giver(client)
    confirm = client.get(f"{giver_url}ophaev/{access.pk}/")
    page = confirm.content.decode()
    assert "Er du sikker på, du vil ophæve adgangen?" in page and "Ophæv adgang" in page
    access.refresh_from_db()
    assert access.ended_at is None  # GET changes nothing
    response = client.post(f"{giver_url}ophaev/{access.pk}/")
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.end_reason == EndReason.REVOKED and access.ended_at is not None
    entries = ActionLogEntry.objects.filter(event="Adgang ophævet")
    assert {(e.field, e.before) for e in entries} >= {("Adgangstype", "Læseadgang")}
    assert "er ophævet" in client.get(giver_url).content.decode()
    assert 'data-testid="revoke"' not in client.get(giver_url).content.decode()


def test_revoking_an_access_already_revoked_in_another_tab(client_as, personas):
    access = create(personas)
    client = client_as("bob")
    giver_url = search_giver(client)
    client.post(f"{giver_url}ophaev/{access.pk}/")
    before = ActionLogEntry.objects.count(), Message.objects.count()
    response = client.post(f"{giver_url}ophaev/{access.pk}/", follow=True)
    assert "Adgangen er allerede ophævet eller udløbet." in response.content.decode()
    assert (ActionLogEntry.objects.count(), Message.objects.count()) == before


def test_cancel_saves_nothing_and_forgets_the_flow(client_as):
    client = client_as("bob")
    giver_url = flow_to_summary(client)
    response = client.post(giver_url + "opret/opsummering/", {"cancel": "1"})
    assert response["Location"] == giver_url
    assert not ReadAccess.objects.exists()
    assert client.get(giver_url + "opret/opsummering/")["Location"].endswith("/opret/")


def test_back_keeps_what_was_typed(client_as):
    client = client_as("bob")
    giver_url = search_giver(client)
    client.post(giver_url + "opret/", {"holder-number": COMPANY.cvr})
    response = client.post(
        giver_url + "opret/adgang/",
        {"details-employee_name": "Karen Kristensen", "details-access_type": "READ", "back": "1"},
    )
    assert response["Location"].endswith("/opret/")
    page = client.get(giver_url + "opret/adgang/").content.decode()
    assert 'value="Karen Kristensen"' in page


def test_edit_from_the_summary_returns_to_the_step(client_as):
    client = client_as("bob")
    giver_url = flow_to_summary(client)
    response = client.post(giver_url + "opret/opsummering/", {"edit": "holder"})
    assert response["Location"].endswith("/opret/")
    response = client.post(giver_url + "opret/opsummering/", {"edit": "details"})
    assert response["Location"].endswith("/opret/adgang/")


def test_an_exempt_giver_lift_ends_the_exemption_and_says_so(client_as, personas):
    exemption = exempt(personas)
    client = client_as("bob")
    giver_url = flow_to_summary(client, exemption="lift")
    location = client.post(giver_url + "opret/opsummering/", {"approve": "1"})["Location"]
    exemption.refresh_from_db()
    assert exemption.lifted_at is not None
    access = ReadAccess.objects.get()
    assert access.exemption_lifted and not access.exemption_kept
    page = client.get(location).content.decode()
    assert "fritagelse er ophævet" in page
    assert ActionLogEntry.objects.filter(subject="Fritagelse").exists()


def test_an_exempt_giver_keep_limits_the_access_and_says_so(client_as, personas):
    exemption = exempt(personas, effective_from=date(2026, 1, 10))
    client = client_as("bob")
    giver_url = flow_to_summary(client, exemption="keep")
    location = client.post(giver_url + "opret/opsummering/", {"approve": "1"})["Location"]
    exemption.refresh_from_db()
    assert exemption.lifted_at is None
    access = ReadAccess.objects.get()
    assert access.exemption_kept and access.history_until == date(2026, 1, 10)
    page = client.get(location).content.decode()
    assert "Fritagelsen er bevaret" in page and "10.01.2026" in page
    pdf = client.get(location + "pdf/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Fritagelsen er bevaret" in text


def test_back_to_the_holder_step_shows_the_chosen_holder(client_as):
    client = client_as("bob")
    giver_url = flow_to_summary(client, COMPANY.cvr)
    page = client.get(giver_url + "opret/").content.decode()
    assert f'value="{COMPANY.cvr}"' in page
    assert COMPANY.name in page

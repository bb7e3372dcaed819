"""NemSMS borger / virksomhed through the Django test client (SPEC §7, guide §9.3–9.4):
search, table, Tilmeld → summary → Godkend → receipt and PDF, Skift nummer, Frameld; every
bad input with its Danish message and nothing saved; rights, kinds and tenant isolation."""

import re

import pytest
from pypdf import PdfReader

from adgang.audit.models import ActionLogEntry, Register, SearchLogEntry, Subject
from adgang.nemsms.models import NemSmsConfirmation, NemSmsRegistration, NemSmsState, SmsOutbox
from adgang.nemsms.selectors import nemsms_registration_live
from adgang.registers import demo as register_demo
from tests.nemsms.conftest import outbox_token

CITIZEN = register_demo.CITIZEN
COMPANY = register_demo.VIRKSOMHED_B
PHONE = "+4520304050"


def search(client, number, page="borger"):
    field = "search-cpr" if page == "borger" else "search-cvr"
    return client.post(f"/nemsms/{page}/", {field: number})


def subject_url(client, number, page="borger") -> str:
    response = search(client, number, page)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def signed_up(client, number=CITIZEN.cpr, phone="20 30 40 50", page="borger") -> str:
    """Search, Tilmeld, Godkend; returns the receipt page's URL."""
    url = subject_url(client, number, page)
    assert client.post(url + "tilmeld/", {"phone": phone}).status_code == 302
    response = client.post(url + "tilmeld/opsummering/")
    assert response.status_code == 302
    return response["Location"]


def nothing_saved():
    assert not NemSmsRegistration.objects.exists()
    assert not SmsOutbox.objects.exists()
    assert not ActionLogEntry.objects.filter(subject=Subject.NEMSMS).exists()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- search and table -------------------------------------------------------------------


def test_search_keeps_the_number_out_of_the_url_and_shows_the_table(client_as):
    client = client_as("bob")
    url = subject_url(client, CITIZEN.cpr)

    assert CITIZEN.cpr not in url and CITIZEN.cpr[:6] not in url
    page = text(client.get(url))
    assert "Fremsøg borger (CPR)" in page
    assert "150385-****" in page and CITIZEN.cpr not in page
    assert CITIZEN.name in page
    assert "Ikke tilmeldt" in page and 'data-testid="signup"' in page


def test_each_lookup_is_in_the_search_log_as_nemsms_register(client_as, personas):
    client = client_as("bob")
    search(client, CITIZEN.cpr)
    search(client, "0101001234")  # not in the register
    rows = list(
        SearchLogEntry.objects.order_by("occurred_at").values_list(
            "register", "search_data", "result_count", "actor"
        )
    )
    actor = personas.bob.actor_id
    assert rows == [
        (Register.NEMSMSREGISTER, CITIZEN.cpr, 1, actor),
        (Register.NEMSMSREGISTER, "0101001234", 0, actor),
    ]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "CPR-nummeret skal bestå af 10 cifre."),
        ("", "Dette felt er påkrævet."),
        ("0101001234", "Der findes ingen borger med dette CPR-nummer i CPR-registret."),
        (register_demo.CITIZEN_DECEASED.cpr, "Borgeren er registreret som død i CPR-registret."),
    ],
)
def test_bad_cpr_search_is_refused_next_to_the_field(client_as, number, message):
    response = search(client_as("bob"), number)
    assert response.status_code == 200
    page = text(response)
    assert message in page and "form-error-message" in page
    assert f'value="{number}"' in page or not number
    nothing_saved()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1234", "CVR-nummeret skal bestå af 8 cifre."),
        ("16180336", "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
        ("10000009", "Der findes ingen virksomhed med dette CVR-nummer i CVR-registret."),
    ],
)
def test_bad_cvr_search_is_refused_next_to_the_field(client_as, number, message):
    response = search(client_as("erik"), number, "virksomhed")
    assert response.status_code == 200 and message in text(response)
    nothing_saved()


def test_a_search_by_get_query_is_not_a_search(client_as):
    response = client_as("bob").get(f"/nemsms/borger/?search-cpr={CITIZEN.cpr}")
    assert response.status_code == 200
    assert not SearchLogEntry.objects.exists()


# --- Tilmeld ----------------------------------------------------------------------------


def test_signup_flow_summary_then_receipt_and_sms(client_as, personas):
    client = client_as("bob")
    url = subject_url(client, CITIZEN.cpr)
    form = text(client.get(url + "tilmeld/"))
    assert "Tilmelding af Mette Hansen (CPR-nr.: 150385-1284)" in form

    response = client.post(url + "tilmeld/", {"phone": "+45 20304050"})
    assert response["Location"] == url + "tilmeld/opsummering/"
    assert not NemSmsRegistration.objects.exists()  # nothing before "Godkend"
    summary = text(client.get(response["Location"]))
    assert "+45 20 30 40 50" in summary and "Godkend" in summary

    response = client.post(url + "tilmeld/opsummering/")
    receipt_url = response["Location"]
    assert receipt_url.startswith("/nemsms/borger/kvittering/")
    registration = NemSmsRegistration.objects.get()
    assert (registration.state, registration.phone) == (NemSmsState.PENDING, PHONE)
    assert SmsOutbox.objects.get().phone == PHONE

    receipt = text(client.get(receipt_url))
    assert "Tilmelding gennemført" in receipt
    assert "først er fuldført, når telefonnummeret er bekræftet" in receipt
    assert "150385-1284" in receipt and "+45 20 30 40 50" in receipt
    assert "Hvad betyder NemSMS?" in receipt and "Download kvittering" in receipt
    assert "Gå til NemSMS" in receipt

    table = text(client.get(url))
    assert "Afventer bekræftelse" in table and "+45 20 30 40 50" in table


def test_receipt_pdf_says_what_the_page_says(client_as):
    client = client_as("bob")
    receipt_url = signed_up(client)
    response = client.get(receipt_url + "pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    from io import BytesIO

    pdf = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    for expected in ("Tilmelding gennemført", "Mette Hansen", "150385-1284", "+45 20 30 40 50",
                     "Hvad betyder NemSMS?"):  # fmt: skip
        assert expected in pdf


def test_receipt_is_only_for_the_session_that_made_it(client_as):
    receipt_url = signed_up(client_as("bob"))
    other = client_as("bob")  # a new login: another session
    assert other.get(receipt_url).status_code == 404
    assert other.get(receipt_url + "pdf/").status_code == 404


def test_tilbage_from_the_summary_keeps_the_typed_number(client_as):
    client = client_as("bob")
    url = subject_url(client, CITIZEN.cpr)
    client.post(url + "tilmeld/", {"phone": "20 30 40 50"})
    page = text(client.get(url + "tilmeld/"))
    assert 'value="20 30 40 50"' in page


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("+46 70 123 45 67", "Kun danske telefonnumre (+45) kan tilmeldes NemSMS."),
        ("0046701234567", "Kun danske telefonnumre (+45) kan tilmeldes NemSMS."),
        ("1234", "Telefonnummeret er ikke gyldigt. Et dansk telefonnummer har 8 cifre."),
        ("20 30 40 5x", "Telefonnummeret må kun indeholde cifre"),
        ("80 12 34 56", "Telefonnummeret er ikke et dansk mobilnummer."),
        ("", "Indtast et telefonnummer."),
    ],
)
def test_bad_phone_number_is_refused_next_to_the_field(client_as, phone, message):
    client = client_as("bob")
    url = subject_url(client, CITIZEN.cpr)
    response = client.post(url + "tilmeld/", {"phone": phone})
    assert response.status_code == 200
    page = text(response)
    assert message in page and 'aria-invalid="true"' in page
    if phone:
        assert f'value="{phone}"' in page
    nothing_saved()
    # and the summary cannot be reached with it
    assert client.post(url + "tilmeld/opsummering/").status_code == 302
    nothing_saved()


def test_registering_someone_already_registered_is_refused_at_approval(client_as):
    """Someone else signed the citizen up between the form and "Godkend"."""
    client = client_as("bob")
    url = subject_url(client, CITIZEN.cpr)
    client.post(url + "tilmeld/", {"phone": "20 30 40 50"})
    signed_up(client_as("bob"), phone="31 32 33 34")
    before = (NemSmsRegistration.objects.count(), SmsOutbox.objects.count())

    response = client.post(url + "tilmeld/opsummering/")

    assert response.status_code == 200
    assert "Borgeren er allerede tilmeldt NemSMS." in text(response)
    assert (NemSmsRegistration.objects.count(), SmsOutbox.objects.count()) == before
    assert NemSmsRegistration.objects.get().phone == "+4531323334"


def test_a_registered_citizen_is_offered_change_and_cancel_not_signup(client_as):
    client = client_as("bob")
    signed_up(client)
    url = subject_url(client, CITIZEN.cpr)
    page = text(client.get(url))
    assert 'data-testid="change"' in page and 'data-testid="cancel"' in page
    assert 'data-testid="signup"' not in page
    # the sign-up form itself sends them back to the table
    assert client.get(url + "tilmeld/")["Location"] == url


# --- Skift nummer and Frameld -----------------------------------------------------------


def test_change_of_number_flow(client_as, personas):
    client = client_as("bob")
    signed_up(client)
    from adgang.nemsms.services import nemsms_confirm

    nemsms_confirm(token=outbox_token())
    url = subject_url(client, CITIZEN.cpr)

    assert client.post(url + "skift-nummer/", {"phone": "31323334"}).status_code == 302
    summary = text(client.get(url + "skift-nummer/opsummering/"))
    assert "+45 20 30 40 50" in summary and "+45 31 32 33 34" in summary
    receipt_url = client.post(url + "skift-nummer/opsummering/")["Location"]

    receipt = text(client.get(receipt_url))
    assert "Skift af telefonnummer gennemført" in receipt
    assert "Tidligere telefonnummer" in receipt and "+45 31 32 33 34" in receipt
    table = text(client.get(url))
    assert "Nyt nummer +45 31 32 33 34 afventer bekræftelse" in table
    assert "Tilmeldt" in table
    assert SmsOutbox.objects.order_by("-id").first().phone == "+4531323334"
    entry = ActionLogEntry.objects.get(event="Telefonnummer ændret")
    assert (entry.field, entry.before, entry.after, entry.actor) == (
        "Telefonnummer", PHONE, "+4531323334", personas.bob.actor_id,
    )  # fmt: skip


def test_changing_to_the_same_number_is_refused_next_to_the_field(client_as):
    client = client_as("bob")
    signed_up(client)
    url = subject_url(client, CITIZEN.cpr)
    client.post(url + "skift-nummer/", {"phone": "20304050"})
    before = (NemSmsConfirmation.objects.count(), SmsOutbox.objects.count())

    response = client.post(url + "skift-nummer/opsummering/")

    assert response.status_code == 200
    assert "Telefonnummeret er det samme som det tilmeldte." in text(response)
    assert 'value="20304050"' in text(response)
    assert (NemSmsConfirmation.objects.count(), SmsOutbox.objects.count()) == before


def test_cancel_flow(client_as):
    client = client_as("bob")
    signed_up(client)
    url = subject_url(client, CITIZEN.cpr)
    summary = text(client.get(url + "frameld/"))
    assert "Frameld" in summary and "+45 20 30 40 50" in summary
    assert NemSmsRegistration.objects.get().state == NemSmsState.PENDING  # GET changes nothing

    receipt_url = client.post(url + "frameld/")["Location"]

    assert NemSmsRegistration.objects.get().state == NemSmsState.CANCELLED
    assert "Framelding gennemført" in text(client.get(receipt_url))
    assert "Ikke tilmeldt" in text(client.get(url))
    assert ActionLogEntry.objects.filter(event="Afmeldt").count() == 1


def test_company_page_signs_up_a_company(client_as):
    client = client_as("erik")
    receipt_url = signed_up(client, COMPANY.cvr, page="virksomhed")
    assert receipt_url.startswith("/nemsms/virksomhed/kvittering/")
    registration = NemSmsRegistration.objects.get()
    assert (registration.id_type, registration.number) == ("CVR", COMPANY.cvr)
    receipt = text(client.get(receipt_url))
    assert "CVR-nummer" in receipt and COMPANY.cvr in receipt and "Virk" in receipt
    assert SearchLogEntry.objects.get().register == Register.NEMSMSREGISTER


# --- rights, kinds, isolation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("bob", "/nemsms/borger/", 200),
        ("bob", "/nemsms/virksomhed/", 200),
        ("erik", "/nemsms/virksomhed/", 200),
        ("erik", "/nemsms/borger/", 403),
        ("charlie", "/nemsms/borger/", 403),
        ("charlie", "/nemsms/virksomhed/", 403),
        ("alice", "/nemsms/borger/", 403),
        ("birgitte", "/nemsms/borger/", 403),
        ("birgitte", "/nemsms/virksomhed/", 403),
    ],
)
def test_rights_and_organisation_kind(client_as, persona, path, status):
    assert client_as(persona).get(path).status_code == status


def test_a_company_organisation_is_refused_even_with_the_right(client_as, personas):
    from adgang.accounts import services as account_services

    account_services.membership_rights_set(
        membership=personas.birgitte, rights=["borgerservicemedarbejder"]
    )
    client = client_as("birgitte")
    assert client.get("/nemsms/borger/").status_code == 403
    assert search(client, CITIZEN.cpr).status_code == 403
    assert not SearchLogEntry.objects.exists()


def test_erik_cannot_post_a_citizen_search(client_as):
    assert search(client_as("erik"), CITIZEN.cpr).status_code == 403
    assert not SearchLogEntry.objects.exists()


def test_a_kept_citizen_of_another_organisation_answers_404(client_as, personas):
    """Morten acts for Kommune A and Kommune M; a record looked up in Kommune A's context is
    not reachable after switching to Kommune M."""
    from adgang.accounts import services as account_services
    from adgang.accounts.models import Membership

    morten_a = personas.morten
    morten_m = Membership.objects.get(person=morten_a.person, organisation__cvr="27182828")
    for membership in (morten_a, morten_m):
        account_services.membership_rights_set(
            membership=membership, rights=["borgerservicemedarbejder"]
        )
    client = client_as("morten")
    url = subject_url(client, CITIZEN.cpr)
    assert client.get(url).status_code == 200
    switched = client.post("/skift-kontekst/", {"organisation": str(morten_m.organisation_id)})
    assert switched.status_code == 302
    assert client.get("/nemsms/borger/").status_code == 200  # the right holds in Kommune M

    from adgang.testing import assert_tenant_isolated

    for suffix in ("", "tilmeld/", "tilmeld/opsummering/", "skift-nummer/", "frameld/"):
        assert_tenant_isolated(client, url + suffix)
    assert_tenant_isolated(client, url + "frameld/", method="post")
    nothing_saved()


def test_a_citizen_key_does_not_open_the_company_page(client_as):
    client = client_as("bob")
    url = subject_url(client, CITIZEN.cpr)
    key = url.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"/nemsms/virksomhed/{key}/").status_code == 404


def test_an_unknown_key_answers_404(client_as):
    assert client_as("bob").get("/nemsms/borger/nosuchkey/").status_code == 404


def test_any_authority_sees_a_citizens_registration(client_as, maja_borgerservice):
    """The registration is the citizen's, not the signing authority's (guide §9.2)."""
    signed_up(client_as("bob"))
    client = client_as("maja")
    page = text(client.get(subject_url(client, CITIZEN.cpr)))
    assert "Afventer bekræftelse" in page and "+45 20 30 40 50" in page


def test_registration_live_selector(client_as):
    signed_up(client_as("bob"))
    assert nemsms_registration_live("CPR", CITIZEN.cpr).phone == PHONE


def test_send_new_link_from_the_table(client_as, time_machine):
    from datetime import timedelta

    from adgang.core import clock

    client = client_as("bob")
    signed_up(client)
    url = subject_url(client, CITIZEN.cpr)
    first = outbox_token()
    assert 'data-testid="row-link-expired"' not in text(client.get(url))
    time_machine.move_to(clock.now() + timedelta(hours=49))
    client = client_as("bob")  # the session timed out meanwhile
    url = subject_url(client, CITIZEN.cpr)
    assert "Bekræftelseslinket er udløbet" in text(client.get(url))

    assert client.get(url + "send-link/").status_code == 405  # POST only
    response = client.post(url + "send-link/", follow=True)

    assert "Et nyt bekræftelseslink er sendt til +45 20 30 40 50." in text(response)
    assert outbox_token() != first
    assert "Bekræftelseslinket er udløbet" not in text(response)

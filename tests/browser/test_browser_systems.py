"""Opret system in the browser, as a person does it (issue 3 acceptance, guide §5.3–5.6).

Each journey starts at the Systemoversigt, goes through the six steps by labels and buttons,
downloads the receipt PDF and finds the system in the overview. The page fixture fails any
test whose pages logged a JavaScript error or a CSP violation.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from adgang.core import clock
from adgang.systems.models import MailSystem, Protocol
from tests.support.systems_wizard import ed25519_key, standard_template_of

RECEIPT_ENDPOINT_LABEL = "Tilslut kvitterings-end point til memo-meddelelser"


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def open_wizard(page):
    page.goto("/systemtilslutning/")
    click_and_wait(page, page.get_by_test_id("create-system"))
    assert page.url.endswith("/systemtilslutning/opret/system/")
    expect(page.locator("[aria-current=step]")).to_contain_text("1. System")


def step_one_from_scratch(page, name: str, *types: str):
    page.get_by_label("Opsæt systemet fra bunden").check()
    page.get_by_label("Navn", exact=True).fill(name)
    for kind in types:
        page.get_by_label(kind, exact=True).check()
    click_and_wait(page, button(page, "Næste"))
    expect(page.locator("[aria-current=step]")).to_contain_text("2. Tilslutning")


def contact_step(page):
    expect(page.locator("[aria-current=step]")).to_contain_text("4. Kontakt")
    page.get_by_label("Navn", exact=True).fill("IT-drift")
    page.get_by_label("E-mailadresse", exact=True).fill("it-drift@kommune-a.dk")
    page.get_by_label("Telefonnummer", exact=True).fill("33 12 34 56")
    click_and_wait(page, button(page, "Næste"))
    expect(page.locator("[aria-current=step]")).to_contain_text("5. Opsummering")


def connect(page) -> str:
    """ "Tilslut" on the summary; the new system's ID from the receipt."""
    click_and_wait(page, button(page, "Tilslut"))
    expect(page.locator("[aria-current=step]")).to_contain_text("6. Kvittering")
    expect(page.get_by_test_id("api-key")).to_contain_text("Basic ")
    return page.get_by_test_id("receipt-id").inner_text().strip()


def receipt_pdf_text(page) -> str:
    with page.expect_download() as info:
        page.get_by_test_id("receipt-download").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    return "\n".join(p.extract_text() for p in reader.pages)


def shows_in_overview(page, system_id: str, name: str):
    click_and_wait(page, button(page, "Gå til Systemoversigt"))
    assert page.url.endswith("/systemtilslutning/")
    row = page.locator(f"[data-testid=systems-table] tr[data-system='{system_id}']")
    expect(row).to_contain_text(name)
    return row


def test_alice_creates_a_sender_rest_push_system(page, login_as):
    login_as("alice")
    open_wizard(page)
    step_one_from_scratch(page, "Sagssystem PUSH", "Afsendersystem")

    receipt_endpoint = page.get_by_label(RECEIPT_ENDPOINT_LABEL)
    expect(receipt_endpoint).to_be_hidden()  # wizard.js: shown for REST PUSH only
    page.get_by_label("REST PUSH").check()
    expect(receipt_endpoint).to_be_visible()
    page.get_by_label("IP-adresser").fill("192.0.2.10\n192.0.2.11")
    receipt_endpoint.fill("https://post.kommune-a.dk/kvittering")
    click_and_wait(page, button(page, "Næste"))

    expect(page.get_by_label("Aktivér systemet nu")).to_be_checked()
    click_and_wait(page, button(page, "Næste"))
    contact_step(page)

    summary = page.get_by_test_id("summary")
    expect(summary.locator("tr[data-row=protocol]")).to_contain_text("REST_PUSH")
    expect(summary.locator("tr[data-row=ips]")).to_contain_text("192.0.2.11")
    system_id = connect(page)

    expect(page.get_by_test_id("receipt-success")).to_contain_text("Afsendersystem oprettet")
    expect(page.get_by_test_id("receipt-title")).to_have_text(
        "Kvittering - Sagssystem PUSH Afsendersystem"
    )
    assert system_id in receipt_pdf_text(page)
    shows_in_overview(page, system_id, "Sagssystem PUSH")
    system = MailSystem.objects.get(pk=system_id)
    assert (system.protocol, system.is_sender, system.is_receiver) == (
        Protocol.REST_PUSH,
        True,
        False,
    )
    assert system.receipt_endpoint == "https://post.kommune-a.dk/kvittering"


def test_alice_creates_a_receiver_rest_pull_system_activated_later(page, login_as):
    login_as("alice")
    open_wizard(page)
    step_one_from_scratch(page, "Modtager PULL", "Modtagersystem")

    page.get_by_label("REST PULL").check()
    expect(page.get_by_label("Angiv end point")).to_be_hidden()
    page.get_by_label("IP-adresser").fill("10.20.0.0/24")
    click_and_wait(page, button(page, "Næste"))

    day = clock.today() + timedelta(days=5)
    page.get_by_label("Aktivér systemet på et valgt tidspunkt").check()
    page.get_by_test_id("activate-at").get_by_label("Dato").fill(day.isoformat())
    page.get_by_test_id("activate-at").get_by_label("Tid").fill("08:30")
    click_and_wait(page, button(page, "Næste"))
    contact_step(page)
    system_id = connect(page)

    expect(page.get_by_test_id("receipt-activation")).to_contain_text(
        f"Modtagersystem aktiveres først: {day:%d/%m/%Y}, 08:30:00"
    )
    text = receipt_pdf_text(page)
    assert system_id in text
    assert "aktiveres først" in text
    row = shows_in_overview(page, system_id, "Modtager PULL")
    expect(row.get_by_test_id("primary-tag")).to_be_visible()


def test_alice_creates_an_sftp_sender_with_an_ed25519_key(page, login_as):
    login_as("alice")
    open_wizard(page)
    step_one_from_scratch(page, "SFTP-afsender", "Afsendersystem")

    page.get_by_label("SFTP").check()
    key_field = page.get_by_label("Offentlig SSH-nøgle")
    expect(key_field).to_be_visible()
    expect(page.get_by_label("Giv din systemleverandør fuldmagt")).to_be_hidden()
    page.get_by_label("IP-adresser").fill("192.0.2.20")
    key = ed25519_key()
    key_field.fill(key)
    click_and_wait(page, button(page, "Næste"))
    page.get_by_label("Aktivér ikke systemet").check()
    click_and_wait(page, button(page, "Næste"))
    contact_step(page)
    expect(page.get_by_test_id("summary").locator("tr[data-row=ssh_public_key]")).to_contain_text(
        "SHA256:"
    )
    system_id = connect(page)

    assert system_id in receipt_pdf_text(page)
    shows_in_overview(page, system_id, "SFTP-afsender")
    assert MailSystem.objects.get(pk=system_id).ssh_public_key == key


@pytest.fixture
def standard_template(personas):
    return standard_template_of(personas.sune.organisation, "Browser-standard")


def test_alice_creates_a_system_from_a_standard_supplier_template(
    page, login_as, standard_template
):
    login_as("alice")
    open_wizard(page)

    warning = page.get_by_test_id("template-warning")
    expect(warning).to_be_hidden()
    page.get_by_label("Opsæt via et præudfyldt standard leverandørsystem").check()
    expect(warning).to_contain_text("Et standard leverandørsystem indebærer en fuldmagt")
    page.get_by_label("Vælg systemleverandør").select_option(str(standard_template.supplier_id))
    page.get_by_label("Vælg standard leverandørsystem").select_option(str(standard_template.pk))
    page.get_by_label("Vælg systemnavn").fill("Post via S")
    page.get_by_label("Ja, min organisation har en aftale").check()
    click_and_wait(page, button(page, "Næste"))

    expect(page.get_by_test_id("locked-alert")).to_contain_text(
        "Tilslutning er præ-udfyldt og låst"
    )
    ips = page.get_by_label("IP-adresser")
    expect(ips).to_be_disabled()
    expect(ips).to_have_value("62.242.35.178")
    click_and_wait(page, button(page, "Næste"))
    click_and_wait(page, button(page, "Næste"))

    expect(page.get_by_test_id("locked-alert")).to_contain_text("Kontakt er præ-udfyldt og låst")
    expect(page.get_by_label("E-mailadresse", exact=True)).to_have_value("drift@leverandoer-s.dk")
    page.get_by_label("Ekstra e-mailadresse").fill("post@kommune-a.dk")
    click_and_wait(page, button(page, "Næste"))
    system_id = connect(page)

    expect(page.get_by_test_id("receipt-success")).to_contain_text(
        "Afsender- og modtagersystem oprettet"
    )
    assert system_id in receipt_pdf_text(page)
    shows_in_overview(page, system_id, "Post via S")
    system = MailSystem.objects.get(pk=system_id)
    assert system.template == standard_template
    assert system.delegated_cvr == standard_template.supplier.cvr


# -- keyboard only -------------------------------------------------------------------------


def tab_to(page, locator, *, limit: int = 80):
    """Press Tab until `locator` has the focus (it must be reachable in the focus order)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{locator} was not reached with Tab")


def press_on(page, locator, key: str = "Enter"):
    tab_to(page, locator)
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, locator, text: str):
    tab_to(page, locator)
    page.keyboard.type(text)


def test_a_wizard_is_completed_with_the_keyboard_only(page, login_as):
    login_as("alice")
    page.goto("/systemtilslutning/")
    press_on(page, page.get_by_test_id("create-system"))

    type_into(page, page.get_by_label("Navn", exact=True), "Tastatur")
    tab_to(page, page.get_by_label("Afsendersystem", exact=True))
    page.keyboard.press("Space")
    press_on(page, button(page, "Næste"))

    tab_to(page, page.get_by_label("REST PUSH"))
    page.keyboard.press("ArrowDown")  # moves the choice in the radio group to REST PULL
    expect(page.get_by_label("REST PULL")).to_be_checked()
    type_into(page, page.get_by_label("IP-adresser"), "192.0.2.30")
    press_on(page, button(page, "Næste"))

    press_on(page, button(page, "Næste"))

    type_into(page, page.get_by_label("Navn", exact=True), "IT-drift")
    type_into(page, page.get_by_label("E-mailadresse", exact=True), "it@kommune-a.dk")
    type_into(page, page.get_by_label("Telefonnummer", exact=True), "33123456")
    press_on(page, button(page, "Næste"))

    press_on(page, button(page, "Tilslut"))

    expect(page.get_by_test_id("receipt-success")).to_contain_text("Afsendersystem oprettet")
    system = MailSystem.objects.get(name="Tastatur")
    assert (system.protocol, system.allowed_ips) == (Protocol.REST_PULL, ["192.0.2.30"])
    assert re.fullmatch(r"Basic \S+", page.get_by_test_id("api-key").inner_text().strip())


def test_tilbage_and_redigér_keep_what_was_typed_in_the_browser(page, login_as):
    login_as("alice")
    open_wizard(page)
    step_one_from_scratch(page, "Frem og tilbage", "Afsendersystem")
    page.get_by_label("REST PULL").check()
    page.get_by_label("IP-adresser").fill("192.0.2.40")

    click_and_wait(page, button(page, "Tilbage"))
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Frem og tilbage")
    click_and_wait(page, button(page, "Næste"))
    expect(page.get_by_label("IP-adresser")).to_have_value("192.0.2.40")
    click_and_wait(page, button(page, "Næste"))
    click_and_wait(page, button(page, "Næste"))
    contact_step(page)

    click_and_wait(page, button(page, "Redigér Navn"))
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Frem og tilbage")
    page.get_by_label("Navn", exact=True).fill("Rettet navn")
    click_and_wait(page, button(page, "Næste"))
    expect(page.locator("[aria-current=step]")).to_contain_text("5. Opsummering")
    expect(page.get_by_test_id("summary").locator("tr[data-row=name]")).to_contain_text(
        "Rettet navn"
    )

    click_and_wait(page, button(page, "Annullér"))
    assert page.url.endswith("/systemtilslutning/")
    assert not MailSystem.objects.exists()

"""Adgang in the browser (issue 7 acceptance, guide §10.3–10.4): Bob creates a read-and-write
access for a company holder with an employee name, sees it in the table, downloads the
receipt PDF, and revokes the access through the confirm dialog."""

import re

from playwright.sync_api import expect
from pypdf import PdfReader

from adgang.readaccess.models import AccessType, EndReason, ReadAccess
from adgang.registers import demo as register_demo

GIVER = register_demo.CITIZEN
COMPANY = register_demo.VIRKSOMHED_B


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def test_create_for_a_company_then_revoke_it(page, login_as):
    login_as("bob")
    page.goto("/adgang/")
    page.get_by_label("CPR-nummer").fill(GIVER.cpr)
    click_and_wait(page, page.get_by_test_id("giver-search-submit"))
    assert GIVER.cpr not in page.url
    expect(page.get_by_test_id("giver-info")).to_contain_text(GIVER.name)
    expect(page.get_by_test_id("giver-info")).to_contain_text("Tilmeldt")

    click_and_wait(page, page.get_by_test_id("create-access"))
    expect(page.locator("[aria-current=step]")).to_contain_text("1. Adgangshaver")
    page.get_by_label("CPR- eller CVR-nummer").fill(COMPANY.cvr)
    click_and_wait(page, page.get_by_test_id("holder-search"))

    expect(page.locator("[aria-current=step]")).to_contain_text("2. Adgangstype og udløb")
    expect(page.get_by_test_id("holder-info")).to_contain_text(COMPANY.name)
    page.get_by_label("Opret en læse- og skriveadgang").check()
    page.get_by_label("Navnet på den medarbejder adgangen er tiltænkt").fill("Birgitte Hansen")
    page.get_by_label("Adgangen skal være tidsubegrænset").check()
    click_and_wait(page, page.get_by_test_id("next"))

    expect(page.locator("[aria-current=step]")).to_contain_text("3. Opsummering")
    summary = page.get_by_test_id("summary")
    expect(summary).to_contain_text("Læse- og skriveadgang")
    expect(summary).to_contain_text("Birgitte Hansen")
    expect(summary).to_contain_text("Tidsubegrænset")
    click_and_wait(page, button(page, "Godkend adgangen"))

    expect(page.get_by_test_id("receipt-success")).to_contain_text("Adgang oprettet")
    with page.expect_download() as info:
        page.get_by_test_id("receipt-download").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Læse- og skriveadgang" in text
    assert COMPANY.name in text and "Birgitte Hansen" in text
    assert f"{GIVER.cpr[:6]}-****" in text

    click_and_wait(page, page.get_by_test_id("back-to-giver"))
    table = page.get_by_test_id("holders")
    row = table.locator("tbody tr").filter(has_text=COMPANY.name)
    expect(row).to_contain_text(COMPANY.cvr)
    expect(row).to_contain_text("Læse- og skriveadgang")
    expect(row).to_contain_text("Ubegrænset")

    click_and_wait(page, row.get_by_test_id("revoke"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Er du sikker på, du vil ophæve adgangen?"
    )
    expect(page.get_by_test_id("revoke-holder")).to_contain_text(COMPANY.name)
    click_and_wait(page, page.get_by_test_id("confirm"))
    expect(page.get_by_test_id("messages")).to_contain_text(re.compile("er ophævet"))
    expect(page.get_by_test_id("no-holders")).to_be_visible()

    access = ReadAccess.objects.get()
    assert access.access_type == AccessType.READ_WRITE
    assert access.employee_name == "Birgitte Hansen"
    assert access.end_reason == EndReason.REVOKED

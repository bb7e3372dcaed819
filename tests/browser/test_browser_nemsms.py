"""NemSMS in the browser (issue 7 acceptance, guide §9.3): Bob signs a citizen up, the citizen
opens the link from the SMS outbox on their phone and presses "Bekræft", and Bob's table
shows the registration "Tilmeldt". The page fixture fails on any console error or CSP
violation (the receipt's print stylesheet included)."""

import re
from io import BytesIO
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from adgang.nemsms.models import SmsOutbox
from adgang.registers import demo as register_demo

CITIZEN = register_demo.CITIZEN  # Mette Hansen
LINK_PATH = re.compile(r"https?://[^/\s]+(/nemsms/bekraeft/[A-Za-z0-9_-]+/)")


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_sign_up_a_citizen_and_confirm_through_the_sms_link(page, login_as, browser, live_server):
    login_as("bob")
    page.goto("/nemsms/borger/")
    page.get_by_label("Fremsøg borger (CPR)").fill(CITIZEN.cpr)
    click_and_wait(page, page.get_by_test_id("search"))
    assert CITIZEN.cpr not in page.url
    table_url = page.url
    row = page.get_by_test_id("nemsms-row")
    expect(row).to_contain_text("150385-****")
    expect(row).to_contain_text("Ikke tilmeldt")

    click_and_wait(page, row.get_by_role("link", name="Tilmeld"))
    expect(page.get_by_test_id("form-subject")).to_contain_text("Tilmelding af Mette Hansen")
    page.get_by_label("Telefonnummer").fill("+46 70 123 45 67")
    click_and_wait(page, page.get_by_role("button", name="Tilmeld"))
    expect(page.locator(".form-error-message")).to_contain_text("Kun danske telefonnumre")
    page.get_by_label("Telefonnummer").fill("20 30 40 50")
    click_and_wait(page, page.get_by_role("button", name="Tilmeld"))
    expect(page.get_by_test_id("summary-phone")).to_contain_text("+45 20 30 40 50")
    click_and_wait(page, page.get_by_role("button", name="Godkend"))

    expect(page.get_by_test_id("receipt-success")).to_contain_text("Tilmelding gennemført")
    with page.expect_download() as info:
        page.get_by_test_id("receipt-download").click()
    pdf = PdfReader(BytesIO(Path(info.value.path()).read_bytes()))
    assert "Mette Hansen" in pdf.pages[0].extract_text()

    # The citizen's phone: no login, the link read from the outbox.
    sms = SmsOutbox.objects.get(phone="+4520304050")
    path = LINK_PATH.search(sms.text).group(1)
    phone = browser.new_context(base_url=live_server.url, locale="da-DK")
    try:
        citizen = phone.new_page()
        citizen.goto(path)
        expect(citizen.get_by_test_id("confirm-phone")).to_have_text("+45 20 30 40 50")
        with citizen.expect_navigation():
            citizen.get_by_role("button", name="Bekræft").click()
        expect(citizen.get_by_test_id("confirmed")).to_contain_text("Telefonnummeret er bekræftet")
        citizen.goto(path)  # the link again: used
        expect(citizen.get_by_test_id("confirm-problem")).to_contain_text("allerede brugt")
    finally:
        phone.close()

    page.goto(table_url)
    expect(page.get_by_test_id("row-status")).to_have_text("Tilmeldt")
    expect(page.get_by_test_id("row-phone")).to_contain_text("+45 20 30 40 50")

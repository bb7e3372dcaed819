"""The message log in the browser (issue 6 acceptance): search for a demo citizen, expand a
row, download the CSV; the search and the download appear in the search log with their
counts. The page fixture fails the test on any JavaScript error or CSP violation."""

import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from adgang.core import clock
from adgang.registers import demo as register_demo
from tests.support.eventlog_rows import message_event

CITIZEN = register_demo.CITIZEN.cpr  # Mette Hansen


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_search_a_citizen_expand_a_row_download_and_find_the_search_logged(
    page, login_as, personas
):
    org = personas.lars.organisation
    at = clock.now() - timedelta(days=2)
    message_event(org, at, title="Afgørelse om boligstøtte", recipient_id=CITIZEN,
                  endpoint="https://kvittering.kommune-a.example/ind")  # fmt: skip
    message_event(org, at - timedelta(hours=1), title="Påmindelse", recipient_id=CITIZEN)
    message_event(org, at, title="Til en anden", recipient_id=register_demo.CITIZEN_NO_ADDRESS.cpr)

    login_as("lars")
    page.goto("/haendelseslog/")
    click_and_wait(page, page.locator("[data-log=meddelelser]"))
    page.get_by_label("Afsender eller modtager (CPR/CVR)").fill(CITIZEN)
    click_and_wait(page, page.get_by_test_id("search"))
    assert CITIZEN not in page.url
    results = page.get_by_test_id("results")
    expect(results.get_by_role("heading")).to_have_text("Resultater (2)")
    expect(page.get_by_test_id("log-table")).to_contain_text(f"{CITIZEN[:6]}-****")
    expect(page.get_by_test_id("log-table")).not_to_contain_text("Til en anden")

    page.get_by_text("Afgørelse om boligstøtte").click()
    expect(page.get_by_text("https://kvittering.kommune-a.example/ind")).to_be_visible()
    page.get_by_role("button", name="Fold alle rækker ud").click()
    expect(page.locator("details[open]")).to_have_count(2)

    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    download = info.value
    assert re.fullmatch(r"log-meddelelser-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    csv = Path(download.path()).read_text(encoding="utf-8-sig")
    assert csv.startswith("Titel;Type;Afsender;")
    assert csv.count(CITIZEN) == 2 and "Til en anden" not in csv

    page.context.clear_cookies()  # log out; Leif has the search log
    login_as("leif")
    page.goto("/haendelseslog/soegninger/")
    page.get_by_label("Søgedata (CPR/CVR)").fill(CITIZEN)
    click_and_wait(page, page.get_by_test_id("search"))
    table = page.get_by_test_id("log-table")
    lars_rows = table.locator("tr", has_text="RID:1003")
    expect(lars_rows).to_have_count(2)  # the search and the download
    for row in range(2):
        expect(lars_rows.nth(row)).to_contain_text("Hændelseslog")
        expect(lars_rows.nth(row).locator("td").nth(3)).to_have_text("2")

"""Statistik in the browser (SPEC §11, guide §14.4–14.5): Sofie orders a custom report with
three variables, waits on the overview until it is made, downloads the CSV and reads it.

The report is made by the background job; the test runs it itself right after the order
(between the overview's automatic reloads, so the live server's shared SQLite connection is
never used by two threads at once)."""

from datetime import timedelta

from playwright.sync_api import expect

from adgang.core.clock import now, today
from adgang.statistics.models import Report, ReportStatus
from adgang.statistics.services import custom_report_produce
from tests.statistics.statistics_support import received, sent


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_order_a_custom_report_wait_and_download_the_csv(page, login_as, personas):
    organisation = personas.sofie.organisation
    for days in (3, 4, 5):
        sent(organisation, now() - timedelta(days=days))
    received(organisation, now() - timedelta(days=6))

    login_as("sofie")
    page.goto("/statistik/")
    expect(page.get_by_test_id("total")).to_contain_text("Rapporter i alt (0)")
    # "Bestil" opens a menu of the two kinds of report (guide §14.4 step 1).
    expect(page.get_by_test_id("order-custom")).to_be_hidden()
    page.get_by_test_id("order").click()
    click_and_wait(page, page.get_by_test_id("order-custom"))

    page.get_by_label("Rapportens navn").fill("Min testrapport")
    for label in ("Afsender", "Modtager", "Beskedtype"):
        page.get_by_label(label, exact=True).check()
    page.get_by_label("Starttidspunkt").fill((today() - timedelta(days=30)).isoformat())
    page.get_by_label("Sluttidspunkt").fill((today() + timedelta(days=1)).isoformat())
    click_and_wait(page, page.get_by_test_id("submit"))
    # A period in the future is refused next to the field, with what was typed kept.
    expect(page.locator(".form-error-message")).to_contain_text("må ikke ligge i fremtiden")
    expect(page.get_by_label("Rapportens navn")).to_have_value("Min testrapport")
    expect(page.get_by_label("Beskedtype", exact=True)).to_be_checked()
    page.get_by_label("Sluttidspunkt").fill(today().isoformat())
    click_and_wait(page, page.get_by_test_id("submit"))

    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text(
        "Min testrapport"
    )
    expect(page.get_by_test_id("status")).to_have_text("Under oprettelse")
    report = Report.objects.get()
    assert custom_report_produce(report.pk) == ReportStatus.READY  # the worker's job

    # The overview reloads itself while a report is being made.
    # "Download rapport" waits in the row's "Flere valg" (⋮) menu.
    expect(page.get_by_test_id("row-menu").locator("[data-testid=download]")).to_be_attached(
        timeout=15_000
    )
    page.get_by_test_id("row-menu").locator("summary").click()
    expect(page.get_by_test_id("download")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), "rb") as handle:
        content = handle.read()
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Afsender;Modtager;Beskedtype;Antal meddelelser"
    named = f"{organisation.name} ({organisation.cvr})"
    assert sorted(lines[1:]) == sorted([f"{named};;Meddelelse;3", f";{named};Meddelelse;1"])

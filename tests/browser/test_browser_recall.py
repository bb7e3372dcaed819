"""Tilbagekald in the browser (issue 8 acceptance, guide §13.3): Alice finds a message of
Kommune A held for its value date by its ID, recalls it through the confirm page, and Lars
(Log for meddelelser) sees "Tilbagekaldt" in the message log. The page fixture fails the test
on any JavaScript error or CSP violation. The same journey works with JavaScript off."""

from datetime import timedelta

from playwright.sync_api import expect

from adgang.core import clock
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import Message, MessageState
from adgang.registers import demo as register_demo
from tests.support.messaging_core import memo_xml, sender_system

CITIZEN = register_demo.CITIZEN.cpr
TITLE = "Varsel om afgørelse om boligstøtte"


def held_message(personas, title: str = TITLE) -> Message:
    """A letter of Kommune A to the demo citizen, submitted through the core with a value
    date a week ahead (created before the browser asks anything: SQLite's live server shares
    this connection)."""
    system, _key = sender_system(personas.alice, name="Fagsystem Bolig")
    receipt = message_submit(
        system=system,
        content=memo_xml(label=title, value_date=clock.today() + timedelta(days=7)),
        query_uuid=None,
    )
    message = Message.objects.get(pk=receipt.message_id)
    assert message.state == MessageState.HELD
    return message


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def search(page, message_id: str):
    page.get_by_label("MeddelelsesID").fill(message_id)
    click_and_wait(page, page.get_by_role("button", name="Søg"))


def recall_through_the_page(page, message: Message):
    page.goto("/tilbagekald/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilbagekald meddelelse")
    search(page, str(message.pk))
    assert str(message.pk) not in page.url

    box = page.get_by_test_id("message-info")
    expect(box).to_contain_text(str(message.pk))
    expect(box).to_contain_text(TITLE)
    expect(box).to_contain_text("Fagsystem Bolig")
    expect(box).to_contain_text(f"{CITIZEN[:6]}-****")
    expect(box).to_contain_text(message.value_date.strftime("%d/%m/%Y"))
    expect(page.get_by_label("MeddelelsesID")).to_have_value(str(message.pk))

    click_and_wait(page, page.locator("main").get_by_role("link", name="Tilbagekald", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekræft tilbagekaldelsen")
    expect(page.get_by_text("Tilbagekaldelsen kan ikke fortrydes.")).to_be_visible()
    click_and_wait(page, page.get_by_role("button", name="Bekræft tilbagekald"))

    expect(page.get_by_test_id("messages")).to_contain_text(
        f"Meddelelsen »{TITLE}« (ID {message.pk}) er tilbagekaldt"
    )
    message.refresh_from_db()
    assert message.state == MessageState.RECALLED


def test_recall_a_held_message_and_see_it_in_the_message_log(page, login_as, personas):
    message = held_message(personas)
    login_as("alice")

    recall_through_the_page(page, message)

    # A second search says why it cannot be recalled again, next to the field.
    search(page, str(message.pk))
    expect(page.locator("#id_message_id-error")).to_contain_text(
        "Meddelelsen er allerede tilbagekaldt."
    )
    expect(page.locator("main").get_by_role("link", name="Tilbagekald", exact=True)).to_have_count(
        0
    )

    page.context.clear_cookies()  # log out; Lars has the log for messages
    login_as("lars")
    page.goto("/haendelseslog/meddelelser/")
    page.get_by_test_id("more-fields").locator("summary").click()
    page.get_by_label("Meddelelses-ID").fill(str(message.pk))
    click_and_wait(page, page.get_by_test_id("search"))
    table = page.get_by_test_id("log-table")
    expect(table).to_contain_text("Tilbagekaldt")
    expect(table).to_contain_text(TITLE)


def test_the_recall_works_without_javascript(browser, live_server, personas):
    message = held_message(personas)
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/login/")
        row = page.locator("[data-testid=test-people] tbody tr").filter(
            has=page.get_by_role("rowheader", name="Alice Andersen", exact=True)
        )
        click_and_wait(page, row.get_by_role("button", name="Log ind som Alice Andersen"))

        recall_through_the_page(page, message)
    finally:
        context.close()

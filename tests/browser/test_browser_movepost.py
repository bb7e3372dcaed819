"""Flyt post in the browser (SPEC §12, guide §15.3): Alice moves all of Kommune A's demo post
on the platforms to a contact point and watches the history row, polled by history.js, reach
"Afsluttet" with the right count.

The move is the background job; the test runs it itself (`post_move_run`) while the page
waits. On SQLite the live server shares the test's database connection, so the history
fragment's polling requests are held by a Playwright route while the job runs: the route
handler can only let a request through when the test hands control back to Playwright.
"""

from playwright.sync_api import expect

from adgang.contacts import demo as contacts_demo
from adgang.messaging.models import Delivery, MailboxItem
from adgang.movepost import demo as movepost_demo
from adgang.movepost.models import PostMove
from adgang.movepost.services import post_move_run
from adgang.systems import demo as systems_demo


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_alice_moves_all_demo_post_and_sees_it_finish(page, login_as, personas):
    systems_demo.load()
    contacts_demo.load()
    movepost_demo.load()
    organisation = personas.alice.organisation
    total = MailboxItem.objects.filter(owner_id=organisation.cvr, moved_at__isnull=True).count()
    assert total == movepost_demo.LETTERS

    login_as("alice")
    page.goto("/flyt-post/")
    expect(page.get_by_test_id("platform-count")).to_contain_text(f"{total} meddelelser")
    expect(page.get_by_test_id("history")).to_contain_text("Der er ikke oprettet nogen flytninger")
    click_and_wait(page, page.get_by_test_id("move-new"))

    page.get_by_label("Jeg ønsker at flytte al posten").check()
    page.get_by_label("Posten skal flyttes til et selvvalgt kontaktpunkt").check()
    chosen = page.get_by_label("Vælg kontaktpunkt", exact=True)
    chosen.select_option(index=1)
    point_label = chosen.locator("option:checked").inner_text()
    click_and_wait(page, page.get_by_test_id("next"))

    expect(page.get_by_test_id("summary-post")).to_have_text(f"Al post ({total} meddelelser)")
    expect(page.get_by_test_id("summary-destination")).to_contain_text(point_label)
    click_and_wait(page, page.get_by_test_id("start"))  # without the acknowledgement
    expect(page.locator(".form-error-message")).to_contain_text("Du skal bekræfte")
    page.get_by_label("Jeg er indforstået med").check()
    click_and_wait(page, page.get_by_test_id("start"))

    expect(page.get_by_test_id("receipt-success")).to_contain_text("Flytning igangsat")
    with page.expect_download() as download:
        page.get_by_test_id("receipt-download").click()
    assert download.value.suggested_filename == "kvittering-flyt-post.pdf"

    page.route("**/flyt-post/historik/", lambda route: route.continue_())
    click_and_wait(page, page.get_by_test_id("to-overview"))
    row = page.get_by_test_id("history-row").first
    expect(row.get_by_test_id("history-status")).to_contain_text("Igangværende")

    move = PostMove.objects.get(organisation=organisation)
    post_move_run(move.pk)  # the worker's job; polls wait in the route meanwhile

    expect(row.get_by_test_id("history-status")).to_have_text("Afsluttet", timeout=10_000)
    expect(row.get_by_test_id("history-count")).to_have_text(str(total))
    expect(row).to_contain_text(str(move.point_ref))
    assert Delivery.objects.filter(message__recipient_id=organisation.cvr).count() >= total
    assert not MailboxItem.objects.filter(owner_id=organisation.cvr, moved_at__isnull=True)

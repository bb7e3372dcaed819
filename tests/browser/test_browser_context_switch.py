"""Skift virksomhed: acting for another organisation (SPEC §2, guide §12)."""

import pytest

from adgang.accounts.models import Organisation
from adgang.audit.models import ActionLogEntry, Subject
from adgang.registers.registry import get_register

CVR_FIELD = "Fremsøg virksomhed via CVR-nummer"


def open_context_switch(page):
    with page.expect_navigation():
        page.get_by_test_id("switch-context").click()
    assert page.url.endswith("/skift-kontekst/")
    assert page.locator("h1").inner_text() == "Skift virksomhed"


def search_cvr(page, cvr: str):
    page.get_by_label(CVR_FIELD).fill(cvr)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Søg").click()
    return navigation.value


def test_person_with_two_organisations_switches_to_the_other(page, login_as, shell):
    login_as("morten")
    assert shell.org() == "Kommune A (CVR: 31415926)"
    open_context_switch(page)

    page.get_by_label("Kommune M (CVR: 27182828)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="OK").click()

    assert page.url.endswith("/oversigt/")
    assert page.get_by_test_id("messages").inner_text().strip() == (
        "Du agerer nu på vegne af Kommune M."
    )
    assert shell.org() == "Kommune M (CVR: 27182828)"
    assert shell.rights() == "Systemadministrator, Logadministrator – meddelelser"
    # His rights in Kommune M (not those of Kommune A) decide the tabs.
    assert shell.tabs() == [
        "oversigt",
        "systemtilslutning",
        "tilbagekald",
        "haendelseslog",
        "flyt-post",
        "myndighedsinformation",
    ]
    entry = ActionLogEntry.objects.get(subject=Subject.KONTEKST)
    assert (entry.before, entry.after) == ("Kommune A (31415926)", "Kommune M (27182828)")


def test_systemforvalter_finds_organisation_by_cvr_and_acts_for_it(page, login_as, shell):
    login_as("dorte")
    assert shell.org() == "Digitaliseringsstyrelsen (CVR: 34051178)"
    open_context_switch(page)

    assert search_cvr(page, "31415926").status == 200
    info = page.get_by_test_id("org-info")
    assert info.locator("dd").all_inner_texts() == [
        "Kommune A",
        "31415926",
        "Tilmeldt Digital Post",
    ]
    with page.expect_navigation():
        page.get_by_role("button", name="OK").click()

    assert page.url.endswith("/oversigt/")
    assert shell.org() == "Kommune A (CVR: 31415926)"
    assert shell.rights() == "Systemforvalter"
    assert shell.tabs() == ["oversigt"]
    assert page.get_by_test_id("switch-context").count() == 1


def test_systemforvalter_sees_unconnected_company_but_cannot_act_for_it(page, login_as):
    connected = set(Organisation.objects.values_list("cvr", flat=True))
    company = next(c for c in get_register().companies() if c.cvr not in connected)
    login_as("dorte")
    open_context_switch(page)

    search_cvr(page, company.cvr)

    assert page.get_by_test_id("org-info").locator("dd").all_inner_texts() == [
        company.name,
        company.cvr,
        "Ikke tilmeldt Digital Post",
    ]
    assert page.get_by_role("button", name="OK").count() == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345678", "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
        ("1234567", "CVR-nummeret skal bestå af 8 cifre."),
        ("3141592A", "CVR-nummeret skal bestå af 8 cifre."),
        ("02345678", "CVR-nummeret kan ikke begynde med 0."),
        ("99999993", "CVR-nummeret findes ikke i CVR-registret."),
    ],
)
def test_systemforvalter_cvr_search_rejects_bad_cvr_next_to_the_field(
    page, login_as, shell, page_errors, typed, message
):
    page_errors.allow("the server responded with a status of 400")
    login_as("dorte")
    open_context_switch(page)

    assert search_cvr(page, typed).status == 400

    field = page.get_by_label(CVR_FIELD)
    error = page.locator(".form-group", has=field).locator(".form-error-message")
    assert " ".join(error.inner_text().split()) == f"Fejl: {message}"
    assert error.get_attribute("id") in field.get_attribute("aria-describedby").split()
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == typed
    assert page.get_by_test_id("org-info").count() == 0
    assert shell.org() == "Digitaliseringsstyrelsen (CVR: 34051178)"
    assert not ActionLogEntry.objects.filter(subject=Subject.KONTEKST).exists()


def test_person_with_one_organisation_is_not_offered_skift_virksomhed(page, login_as):
    login_as("charlie")
    assert page.get_by_test_id("header-user").count() == 1
    assert page.get_by_text("Skift virksomhed").count() == 0
    assert page.get_by_test_id("switch-context").count() == 0

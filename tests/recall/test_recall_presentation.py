"""The info box's rows (SPEC §10): the recipient's CPR masked, a CVR as it is."""

import pytest

from adgang.recall.presentation import message_rows, recipient_display
from tests.recall.conftest import submitted
from tests.support.messaging_core import COMPANY_B_CVR

pytestmark = pytest.mark.django_db


def test_a_company_recipient_is_shown_by_its_cvr(personas):
    message = submitted(personas.alice, recipient_id=COMPANY_B_CVR, recipient_type="CVR")

    assert recipient_display(message) == COMPANY_B_CVR


def test_a_message_without_a_value_date_shows_an_empty_value_date(personas):
    message = submitted(personas.alice)

    rows = dict(message_rows(message))
    assert rows["Valørdato"] == ""
    assert rows["Modtager (CPR/CVR)"].endswith("-****")


def test_an_odd_stored_cpr_is_still_masked(personas):
    message = submitted(personas.alice)
    message.recipient_id = "12345"

    assert recipient_display(message) == "12345-****"

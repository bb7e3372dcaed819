"""`manage.py sms_outbox`: the demo's way to read the confirmation link."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from adgang.nemsms.models import SmsOutbox


def run(*args) -> str:
    out = StringIO()
    call_command("sms_outbox", *args, stdout=out)
    return out.getvalue()


def test_prints_the_latest_sms_oldest_first(db):
    for n in range(7):
        SmsOutbox.objects.create(phone=f"+452030405{n}", text=f"besked {n}")
    output = run("--last", "2")
    assert "besked 4" not in output
    assert output.index("besked 5") < output.index("besked 6")


def test_filters_by_phone_in_any_spelling(db):
    SmsOutbox.objects.create(phone="+4520304050", text="til Mette")
    SmsOutbox.objects.create(phone="+4521222324", text="til Freja")
    output = run("--phone", "21 22 23 24")
    assert "til Freja" in output and "til Mette" not in output


def test_empty_outbox_and_bad_arguments(db):
    assert "Ingen sms'er" in run()
    with pytest.raises(CommandError, match="Kun danske"):
        run("--phone", "+46701234567")
    with pytest.raises(CommandError):
        run("--last", "0")

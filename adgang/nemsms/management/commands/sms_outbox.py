"""`manage.py sms_outbox [--last N] [--phone +45…]`: the latest SMSes the embedded SMS gateway
kept instead of sending (SPEC §7, §13) — for the demo, where the confirmation link is read
here and opened in a browser."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from adgang.nemsms.models import SmsOutbox
from adgang.nemsms.phone import PhoneInputError, phone_normalise


class Command(BaseCommand):
    help = "Print the latest SMSes in the outbox of the embedded SMS gateway."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--last", type=int, default=5, help="How many (default 5).")
        parser.add_argument("--phone", default="", help="Only SMSes to this number.")

    def handle(self, *args, last: int, phone: str, **options) -> None:
        if last < 1:
            raise CommandError("--last must be at least 1.")
        messages = SmsOutbox.objects.order_by("-created_at", "-id")
        if phone:
            try:
                messages = messages.filter(phone=phone_normalise(phone))
            except PhoneInputError as error:
                raise CommandError(f"--phone: {error.message}") from None
        rows = list(messages[:last])
        if not rows:
            self.stdout.write("Ingen sms'er i udbakken.")
        for sms in reversed(rows):
            sent = timezone.localtime(sms.created_at).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"{sent}  {sms.phone}\n  {sms.text}")

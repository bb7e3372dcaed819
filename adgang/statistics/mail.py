"""`OutboxEmailBackend`: stores every e-mail in `EmailOutbox` instead of sending it.

Settings: `EMAIL_BACKEND = "adgang.statistics.mail.OutboxEmailBackend"`.
"""

from django.core.mail.backends.base import BaseEmailBackend


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from adgang.statistics.models import EmailOutbox

        sent = 0
        for message in email_messages or ():
            recipients = list(message.recipients())
            if not recipients:
                continue
            EmailOutbox.objects.create(
                subject=str(message.subject)[:998],
                from_email=str(message.from_email or ""),
                to=recipients,
                body=str(message.body),
            )
            sent += 1
        return sent

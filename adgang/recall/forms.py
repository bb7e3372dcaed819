"""The recall page's search form (SPEC §10, guide §13.3 "MeddelelsesID")."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.messaging.models import Message
from adgang.messaging.recall import RecallRefused, recall_check
from adgang.recall.validation import (
    MAX_LENGTH,
    MESSAGE_ID_EMPTY,
    MessageIdError,
    message_id_parse,
)


class MessageSearchForm(forms.Form):
    """One message ID. Valid when the message may be recalled by the organisation now;
    `form.message` is then the message. Every refusal of the core's rule (unknown, another
    organisation's, no value date, value date reached, already recalled) is the field's
    error, in the rule's own words.

    No search-log row: the staff search log (SPEC §7.5) records look-ups of persons and
    companies (CPR/CVR); a message ID is neither, and the recall itself is in the action log.
    """

    message_id = forms.CharField(
        label=_("MeddelelsesID"),
        help_text=_(
            "Meddelelsens ID finder du i Log for meddelelser eller på meddelelsens "
            "forretningskvittering."
        ),
        error_messages={"required": MESSAGE_ID_EMPTY},
        strip=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.message: Message | None = None
        # No maxlength attribute: a pasted id with extra characters should reach the server
        # and get its message, not be cut silently by the browser.
        self.fields["message_id"].widget.attrs.update(
            autocomplete="off", spellcheck="false", size=MAX_LENGTH + 4
        )

    def clean_message_id(self):
        try:
            return message_id_parse(self.cleaned_data["message_id"])
        except MessageIdError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def clean(self):
        cleaned = super().clean()
        message_id = cleaned.get("message_id")
        if message_id is None:
            return cleaned
        try:
            self.message = recall_check(organisation=self.organisation, message_id=message_id)
        except RecallRefused as refused:
            self.add_error("message_id", forms.ValidationError(refused.message, refused.code))
        return cleaned

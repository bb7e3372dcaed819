"""The two forms of Myndighedsinformation (guide §11.3 and §11.4).

The forms give the field-level Danish messages; the services check the same rules again
(`validation.privacy_link_clean`, `images.logo_check`) before anything is saved.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from adgang.authorityinfo import images
from adgang.authorityinfo.models import PRIVACY_LINK_MAX_LENGTH
from adgang.authorityinfo.validation import MESSAGES as LINK_MESSAGES
from adgang.authorityinfo.validation import privacy_link_clean

SAVE, TEST = "gem", "afproev"


class PrivacyLinkForm(forms.Form):
    link = forms.CharField(
        label=_("URL"),
        help_text=_("URL'en skal starte med https:// og må max. være 2048 tegn."),
        # Longer input reaches the rule, which says how long it is (maxlength would cut it).
        max_length=PRIVACY_LINK_MAX_LENGTH * 4,
        error_messages={
            "required": LINK_MESSAGES["required"],
            "max_length": _("Linket må højst være 2048 tegn."),
        },
        widget=forms.URLInput(
            attrs={"autocomplete": "url", "inputmode": "url", "spellcheck": "false"}
        ),
    )

    def clean_link(self) -> str:
        return privacy_link_clean(self.cleaned_data["link"])


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Upload logo"),
        help_text=_(
            "Logoet skal være i .png format og må fylde maksimalt 512 KB. Logoet skal desuden "
            "være kvadratisk og minimum have en bredde og højde på 200 pixels."
        ),
        error_messages={
            "required": _("Vælg en .png-fil med jeres logo."),
            "empty": images.MESSAGES["empty"],
            "invalid": _("Vælg en .png-fil med jeres logo."),
            "missing": _("Vælg en .png-fil med jeres logo."),
        },
        widget=forms.FileInput(attrs={"accept": ".png,image/png"}),
    )

    def clean_logo(self):
        """The file's first 512 KB + 1 bytes, after the size the upload reported: the full
        PNG check (and re-encoding) runs in the service, whose refusal the view shows here."""
        upload = self.cleaned_data["logo"]
        try:
            images.size_check(upload.size)
            upload.seek(0)
            content = upload.read(images.MAX_BYTES + 1)
            images.size_check(len(content))
        except images.LogoRefused as refused:
            raise ValidationError(refused.message, code=refused.code) from None
        return {"name": upload.name or "logo.png", "content": content}

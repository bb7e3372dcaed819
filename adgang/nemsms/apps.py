from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NemSmsConfig(AppConfig):
    name = "adgang.nemsms"
    label = "nemsms"
    verbose_name = _("NemSMS")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExemptionsConfig(AppConfig):
    name = "adgang.exemptions"
    label = "exemptions"
    verbose_name = _("Fritagelse")

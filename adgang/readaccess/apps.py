from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadAccessConfig(AppConfig):
    name = "adgang.readaccess"
    label = "readaccess"
    verbose_name = _("Adgang")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorityInfoConfig(AppConfig):
    name = "adgang.authorityinfo"
    label = "authorityinfo"
    verbose_name = _("Myndighedsinformation")

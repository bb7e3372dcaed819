from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovePostConfig(AppConfig):
    name = "adgang.movepost"
    label = "movepost"
    verbose_name = _("Flyt post")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostMovesConfig(AppConfig):
    name = "adgang.postmoves"
    label = "postmoves"
    verbose_name = _("Flyt post")

from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "adgang.ui"
    label = "ui"

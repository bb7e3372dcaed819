from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "adgang.accounts"
    label = "accounts"

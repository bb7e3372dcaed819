from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "adgang.audit"
    label = "audit"

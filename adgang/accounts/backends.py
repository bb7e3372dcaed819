"""Login through the built-in test portal (SPEC §1, §15 "Test login")."""

import uuid

from django.conf import settings

from adgang.accounts.models import Person


class TestPortalBackend:
    """Authenticates `person_id` when the test portal is enabled; nothing else.

    A failed attempt returns None, so Django signals `user_login_failed` and django-axes
    counts it towards the lockout (login throttling, SPEC §14).
    """

    def authenticate(self, request, person_id=None, **kwargs):
        if person_id is None or not settings.ADGANG_TESTPORTAL_ENABLED:
            return None
        try:
            pk = uuid.UUID(str(person_id))
        except ValueError:
            return None
        person = Person.objects.filter(pk=pk, is_active=True, memberships__isnull=False).first()
        return person

    def get_user(self, user_id):
        return Person.objects.filter(pk=user_id, is_active=True).first()

from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from adgang.accounts.context import SESSION_MEMBERSHIP, SESSION_ORGANISATION, resolve_context


class ActingContextMiddleware:
    """Sets `request.acting` (an ActingContext or None) for every request.

    A logged-in session whose organisation the person may not act for (forged, or the
    membership was removed meanwhile) is logged out and answered with 403: nothing of that
    organisation is ever shown.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.acting = resolve_context(
                user,
                request.session.get(SESSION_MEMBERSHIP),
                request.session.get(SESSION_ORGANISATION),
            )
            if request.acting is None:
                logout(request)
                raise PermissionDenied(_("Ugyldig organisation i sessionen."))
        return self.get_response(request)

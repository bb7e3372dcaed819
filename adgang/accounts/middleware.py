from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from adgang.accounts.context import (
    SESSION_LOGIN_AT,
    SESSION_MEMBERSHIP,
    SESSION_ORGANISATION,
    resolve_context,
)
from adgang.core import clock


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


class SessionLifetimeMiddleware:
    """Ends a session `ADGANG_SESSION_MAX_AGE_HOURS` after the login, however busy (SPEC §14,
    ASVS 3.3.2): the idle timeout alone lets a session in constant use live for ever.

    The login time is set by `services.session_start` (test portal and OIDC alike); a context
    switch keeps it. A session without one (started before this existed) counts from its
    first request seen here. Once exceeded: logged out (the session is deleted on the
    server) and sent to the login page with a message, before any view runs. Placed after
    MessageMiddleware (the message survives the logout) and the header middleware (the
    redirect carries CSP and X-Frame-Options).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(clock.now().timestamp())
            login_at = request.session.get(SESSION_LOGIN_AT)
            if not isinstance(login_at, int):
                request.session[SESSION_LOGIN_AT] = login_at = now
            if now - login_at > settings.ADGANG_SESSION_MAX_AGE_HOURS * 3600:
                logout(request)
                request.acting = None
                messages.warning(
                    request,
                    _(
                        "Du har været logget ind i mere end %(hours)s timer. Log ind igen "
                        "for at fortsætte."
                    )
                    % {"hours": settings.ADGANG_SESSION_MAX_AGE_HOURS},
                )
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

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

# The idle timeout slides with use (SESSION_COOKIE_AGE after the last save), but saving the
# session on every request costs every page view an UPDATE and a commit. The expiry is
# refreshed at most this often, so a session ends between SESSION_COOKIE_AGE minus this and
# SESSION_COOKIE_AGE after its last request: never later than the idle timeout.
SESSION_REFRESH_SECONDS = 60
SESSION_REFRESHED_AT = "adgang_refreshed_at"  # Unix seconds of the last save


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


class SessionRefreshMiddleware:
    """Slides the idle timeout (SPEC §14) with at most one session write a minute.

    Replaces `SESSION_SAVE_EVERY_REQUEST`: on the way out, a non-empty session whose last save
    is `SESSION_REFRESH_SECONDS` or more ago (or that is saved anyway, having been changed) is
    stamped with the time, which marks it modified, so Django's SessionMiddleware saves it
    and its expiry moves to SESSION_COOKIE_AGE from now. A session emptied by a logout, or a
    cookie that matches no live session, is left alone (nothing is created for it). Must sit
    directly after django.contrib.sessions.middleware.SessionMiddleware, so it sees the
    session as the inner middleware and the view left it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():  # no live session behind the cookie
            return response
        accessed = session.accessed  # reading the stamp is bookkeeping, not a use (Vary)
        refreshed_at = session.get(SESSION_REFRESHED_AT)
        now = int(clock.now().timestamp())
        stale = not isinstance(refreshed_at, int) or not (
            0 <= now - refreshed_at < SESSION_REFRESH_SECONDS  # or the clock went back
        )
        if stale or session.modified:
            session[SESSION_REFRESHED_AT] = now
        session.accessed = accessed
        return response

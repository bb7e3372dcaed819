"""The caller's address, one rule for the API and the login throttle (SPEC §13, §14).

Used by the API's allowed-IP check (`adgang.messaging.api.auth`) and by django-axes
(`AXES_CLIENT_IP_CALLABLE`), so both see the same address behind the reverse proxy.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or behind a reverse proxy the right-most entry of
    the configured header (`ADGANG_API_CLIENT_IP_HEADER`, e.g. HTTP_X_FORWARDED_FOR).

    Right-most, because that is the entry our own proxy appended; everything left of it was
    written by the client and could name any allowed address (or dodge a lockout).
    """
    header = getattr(settings, "ADGANG_API_CLIENT_IP_HEADER", "")
    if header:
        entries = [part.strip() for part in request.META.get(header, "").split(",")]
        entries = [entry for entry in entries if entry]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR", "")

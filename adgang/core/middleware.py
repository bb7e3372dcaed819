"""Health checks answered ahead of every other middleware (SPEC §15)."""

from django.conf import settings
from django.http import Http404, HttpResponseNotFound

from adgang.core.metrics import metrics_view
from adgang.core.views import healthz, readyz

# /metrics too: a scraper, like a probe, talks plain HTTP to each process by its address.
HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}

# These answers are JSON or text, never a page: nothing may load, frame or sniff them.
PROBE_CSP = "default-src 'none'; frame-ancestors 'none'"


def probe_security_headers() -> dict[str, str]:
    """The headers SecurityMiddleware, XFrameOptionsMiddleware and CSPMiddleware would add,
    which the probes skip (SPEC §14), with a policy that allows nothing."""
    return {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
        "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": PROBE_CSP,
    }


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before the rest of the middleware stack runs.

    Probes from load balancers and orchestrators arrive over plain HTTP, often with a pod's
    address as Host and sometimes with a stale session cookie. Answered here they are not
    redirected to HTTPS (SECURE_SSL_REDIRECT) nor refused for an unknown host, and no session
    or login is loaded: /healthz never touches the database, and a database outage makes
    /readyz answer 503 instead of the session middleware failing with 500. Keep it first in
    MIDDLEWARE. The URL patterns stay, so the views remain reversible and declared public.
    The security headers the skipped middleware would add are set here (no HSTS: a probe
    talks plain HTTP, where HSTS means nothing).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        request.acting = None  # nobody is logged in as far as a probe is concerned
        try:
            response = view(request)
        except Http404:  # /metrics when disabled: plain text, not the HTML 404 page
            response = HttpResponseNotFound("Not Found\n", content_type="text/plain")
        for name, value in probe_security_headers().items():
            if value:
                response[name] = value
        return response

"""Health checks answered ahead of every other middleware (SPEC §15)."""

from adgang.core.metrics import metrics_view
from adgang.core.views import healthz, readyz

# /metrics too: a scraper, like a probe, talks plain HTTP to each process by its address.
HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before the rest of the middleware stack runs.

    Probes from load balancers and orchestrators arrive over plain HTTP, often with a pod's
    address as Host and sometimes with a stale session cookie. Answered here they are not
    redirected to HTTPS (SECURE_SSL_REDIRECT) nor refused for an unknown host, and no session
    or login is loaded: /healthz never touches the database, and a database outage makes
    /readyz answer 503 instead of the session middleware failing with 500. Keep it first in
    MIDDLEWARE. The URL patterns stay, so the views remain reversible and declared public.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        request.acting = None  # nobody is logged in as far as a probe is concerned
        return view(request)

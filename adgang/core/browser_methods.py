"""Browser pages answer GET, HEAD, POST and OPTIONS only (issue 10, ASVS 13.2.1, 4.2.2).

The portal's pages are HTML forms: a browser sends them nothing but GET and POST. Many views
check `request.method == "POST"` and treat every other method as a GET, so a PUT, PATCH or
DELETE carrying a valid CSRF token would render the page (200) rather than be refused. This
middleware answers any other method with 405 before a view runs. The machine API (`/apis/`)
keeps its own methods (DELETE of a subscription, …): ninja routes by method and answers
unknown ones itself.

It sits innermost in MIDDLEWARE, so the refusal passes through the others and carries the
security headers; it answers before any view (and before the CSRF check, which happens when
the view is called), so no view ever sees such a request.
"""

from django.http import HttpResponseNotAllowed

BROWSER_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
API_PREFIX = "/apis/"


class BrowserMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BROWSER_METHODS or request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return HttpResponseNotAllowed(
            BROWSER_METHODS, "Metoden er ikke tilladt.", content_type="text/plain; charset=utf-8"
        )

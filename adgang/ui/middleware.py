class DanishByDefaultMiddleware:
    """Danish unless the person chose English (SPEC: Danish by default, English selectable).

    Django would otherwise follow the browser's Accept-Language; a Danish public portal
    speaks Danish to everyone until they pick another language (kept in the language cookie).
    Must run before django.middleware.locale.LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)

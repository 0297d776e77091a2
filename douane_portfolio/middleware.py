"""Project middleware."""

from django.utils.cache import add_never_cache_headers


class NietCachen:
    """Every page, export and report may carry private data: no browser or proxy keeps a
    copy (`Cache-Control: private, no-store, …`). Static files never get here (whitenoise
    answers them first) and keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response

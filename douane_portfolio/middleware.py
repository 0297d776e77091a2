"""Project middleware."""

from django.utils.cache import patch_cache_control


class NietCachen:
    """Every page, export and report may carry private data: no browser or proxy keeps a
    copy (`Cache-Control: private, no-store`). Static files never get here (whitenoise
    answers them first) and keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response

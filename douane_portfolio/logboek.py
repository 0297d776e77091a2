"""Logging filter: a refused request is worth a line, not a traceback."""

import logging


class GeweigerdZonderTraceback(logging.Filter):
    """Drops the traceback of records about a response below 500 (PermissionDenied,
    SuspiciousOperation, a body over the limit): the request was refused on purpose,
    nothing in the code went wrong."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True

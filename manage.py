#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

try:
    from django.core.management import execute_from_command_line
except ImportError as exc:
    raise ImportError(
        "Couldn't import Django. Are you sure it's installed and "
        "available on your PYTHONPATH environment variable? Did you "
        "forget to activate a virtual environment?"
    ) from exc


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "douane_portfolio.settings")
    # No silent switch to development: without DEBUG=1 the settings demand SECRET_KEY,
    # DATABASE_URL and CELERY_BROKER_URL (the Makefile sets DEBUG=1 for development).
    # Only `makemigrations` reads no data and serves nobody, so on a bare checkout it runs
    # in the development set-up, and says so.
    kaal = not os.environ.get("SECRET_KEY") and "DEBUG" not in os.environ
    if sys.argv[1:2] == ["makemigrations"] and kaal:
        os.environ["DEBUG"] = "1"
        print("makemigrations: geen SECRET_KEY, dus DEBUG=1 (ontwikkelopzet).", file=sys.stderr)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

"""Test environment defaults, loaded as a pytest plugin before Django reads its settings.

Tests run with DEBUG off, like production, but over plain HTTP and with a throw-away key.
Anything set in the real environment (DATABASE_URL, CELERY_BROKER_URL …) wins.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "alleen-voor-tests-" + "t" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
# Keep the tests' files (mail, broker folders, uploads) out of the developer's var/.
if "VAR_DIR" not in os.environ:
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="douane-tests-")
    # Only the process that made the folder removes it; pytest-xdist workers inherit it.
    atexit.register(shutil.rmtree, os.environ["VAR_DIR"], ignore_errors=True)
# On SQLite a file test database instead of one in memory, so that the real Celery
# worker of tests/herinneringen/test_celery.py sees what a test commits.
os.environ.setdefault("SQLITE_TEST_NAME", os.path.join(os.environ["VAR_DIR"], "test.sqlite3"))
os.environ.setdefault("STATIC_MANIFEST", "0")
# With DEBUG off the settings demand a database, a broker and a cache by name; the tests' defaults
# are the embedded ones, named explicitly.
os.environ.setdefault(
    "DATABASE_URL", "sqlite:///" + os.path.join(os.environ["VAR_DIR"], "db.sqlite3")
)
os.environ.setdefault("CELERY_BROKER_URL", "filesystem://")
os.environ.setdefault("CACHE_URL", "locmem://")
# The tests load the demo data with DEBUG off, as a demo environment would.
os.environ.setdefault("DEMO_TOEGESTAAN", "1")

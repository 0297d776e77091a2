"""A web process freezes what it loaded at start (gc.freeze): a full garbage collection
then no longer walks every module, class and view, the p95 of a list page."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

PROGRAMMA = """
import gc, sys
import douane_portfolio.wsgi
# Every view module was imported before the freeze, not at the first request.
assert "audits.views" in sys.modules and "risicos.views" in sys.modules
print(gc.get_freeze_count())
"""


def test_the_wsgi_application_freezes_what_it_loaded_at_start(tmp_path):
    omgeving = {**os.environ, "VAR_DIR": str(tmp_path), "DEBUG": "1"}
    omgeving.pop("DJANGO_SETTINGS_MODULE", None)
    uit = subprocess.run(
        [sys.executable, "-c", PROGRAMMA],
        cwd=BASE_DIR,
        env=omgeving,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert uit.returncode == 0, uit.stderr
    # Tens of thousands of objects: Django, the apps and their URLconf.
    assert int(uit.stdout.strip()) > 50_000, uit.stdout

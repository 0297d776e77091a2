import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "douane_portfolio.settings")

app = Celery("douane_portfolio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def herinneringen_inhalen(sender, **kwargs):
    """A worker that starts catches up at once on runs lost while no worker (or no
    broker) was there, instead of at the next beat; the sweep is idempotent."""
    sender.app.send_task("douane_portfolio.tasks.herinneringen_versturen")

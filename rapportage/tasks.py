from celery import shared_task

from . import bestanden


# Safe to deliver twice: only the worker that moves the file from "wachtrij" to "bezig"
# makes it.
@shared_task(ignore_result=True)
def rapportbestand_maken(pk):
    rapportbestand = bestanden.claim(pk)
    if rapportbestand is None:
        return
    bestanden.maken(rapportbestand)

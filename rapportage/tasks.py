from celery import shared_task

from . import bestanden, paginas


# Safe to deliver twice: only the worker that moves the record from "wachtrij" to "bezig"
# makes the file (or the pages on screen).
@shared_task(ignore_result=True)
def rapportbestand_maken(pk):
    rapportbestand = bestanden.claim(pk)
    if rapportbestand is None:
        return
    if rapportbestand.formaat == bestanden.SCHERM:
        paginas.maken(rapportbestand)
    else:
        bestanden.maken(rapportbestand)


@shared_task(ignore_result=True)
def rapport_voorbouwen():
    paginas.voorbouwen()

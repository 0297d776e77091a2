from celery import shared_task

from . import verwerken


# Safe to deliver twice: only the worker that moves the file from "wachtrij" to "bezig"
# runs it, and an imported file is never imported again.
@shared_task(ignore_result=True)
def importbestand_verwerken(pk):
    importbestand = verwerken.claim(pk)
    if importbestand is None:
        return
    verwerken.uitvoeren(
        importbestand,
        voortgang=lambda verwerkt, totaal: verwerken.voortgang_schrijven(pk, verwerkt, totaal),
    )

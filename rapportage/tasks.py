from celery import shared_task

from . import bestanden, paginas


# Safe to deliver twice: only the worker that moves the record from "wachtrij" to "bezig"
# makes the file (or the pages on screen). Overtaken by newer data while it runs, it
# makes the newest state instead (bestanden.stap, HOOGSTENS_INGEHAALD).
@shared_task(ignore_result=True)
def rapportbestand_maken(pk):
    rapportbestand = bestanden.claim(pk)
    ingehaald = 0
    while rapportbestand is not None:
        maken = paginas.maken if rapportbestand.formaat == bestanden.SCHERM else bestanden.maken
        try:
            maken(rapportbestand, bewaakt=ingehaald < bestanden.HOOGSTENS_INGEHAALD)
            return
        except bestanden.Ingehaald as nieuwer:
            rapportbestand = bestanden.ingehaald(rapportbestand, nieuwer.stand)
            ingehaald += 1


@shared_task(ignore_result=True)
def rapport_voorbouwen():
    paginas.voorbouwen()

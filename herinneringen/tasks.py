from celery import shared_task
from django.conf import settings

from . import services


# Safe to run twice (two beats, a redelivered message): the ledger refuses duplicates.
# A run whose mails failed (or that failed itself) raises, so Celery logs it as such and
# tries again after 5, 10 and 20 minutes; the beat's next quarter-hour run also would.
# The name is the one the task had in the hub: beat entries and queued messages use it.
@shared_task(
    name="douane_portfolio.tasks.herinneringen_versturen",
    ignore_result=True,
    autoretry_for=(Exception,),
    max_retries=len(settings.HERINNERINGEN_TAAK_HERPROBEREN),
    retry_backoff=settings.HERINNERINGEN_TAAK_HERPROBEREN[0],
    retry_backoff_max=settings.HERINNERINGEN_TAAK_HERPROBEREN[-1],
    retry_jitter=False,
    time_limit=settings.HERINNERINGEN_TAAK_SECONDEN,
)
def herinneringen_versturen():
    uitslag = services.herinneringen_versturen()
    if uitslag.mislukt:
        raise services.HerinneringenMislukt(
            f"{len(uitslag.mislukt)} herinneringsmail(s) niet verstuurd; "
            f"{uitslag.wachtend} wachten op een volgende poging."
        )

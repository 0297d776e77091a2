from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services

# Both tasks are safe to run twice (two beats, a redelivered message, a rival sweep's
# batch): the ledger refuses duplicates and a claim fences each send. A task that fails
# raises, so Celery logs it as such and tries again after 5, 10 and 20 minutes; the
# beat's next quarter-hour run also would.
OPNIEUW = {
    "autoretry_for": (Exception,),
    "max_retries": len(settings.HERINNERINGEN_TAAK_HERPROBEREN),
    "retry_backoff": settings.HERINNERINGEN_TAAK_HERPROBEREN[0],
    "retry_backoff_max": settings.HERINNERINGEN_TAAK_HERPROBEREN[-1],
    "retry_jitter": False,
}


# The name is the one the task had in the hub: beat entries and queued messages use it.
@shared_task(
    bind=True,
    name="douane_portfolio.tasks.herinneringen_versturen",
    ignore_result=True,
    time_limit=settings.HERINNERINGEN_TAAK_SECONDEN,
    **OPNIEUW,
)
def herinneringen_versturen(self):
    """Record what is due, then queue a batch task per HERINNERINGEN_PER_TAAK recipients;
    run eagerly (no worker), the batches run here instead."""
    # First the dashboard's counters to today (douane_portfolio.tellers): the first run after
    # midnight moves their peildatum, so no visitor waits for that; later runs find it done.
    from douane_portfolio import tellers

    tellers.peildatum_zetten(timezone.localdate())
    inplannen = None if self.request.is_eager else deel_inplannen
    uitslag = services.herinneringen_versturen(inplannen=inplannen)
    if uitslag.mislukt:
        raise services.HerinneringenMislukt(
            f"{len(uitslag.mislukt)} herinneringsmail(s) niet verstuurd; "
            f"{uitslag.wachtend} wachten op een volgende poging."
        )


def deel_inplannen(ontvangers):
    # Expires, so batches never pile up behind a stopped worker: the next sweep queues
    # whatever is still due.
    herinneringen_deel_versturen.apply_async(
        args=[ontvangers], expires=settings.HERINNERINGEN_DEEL_EXPIRES
    )


@shared_task(
    name="herinneringen.tasks.herinneringen_deel_versturen",
    ignore_result=True,
    time_limit=settings.HERINNERINGEN_TAAK_SECONDEN,
    **OPNIEUW,
)
def herinneringen_deel_versturen(ontvangers):
    """Compose and send the due mails of one batch of recipients (a list of user ids)."""
    uitslag = services.herinneringen_deel_versturen(ontvangers=ontvangers)
    if uitslag.mislukt:
        raise services.HerinneringenMislukt(
            f"{len(uitslag.mislukt)} herinneringsmail(s) niet verstuurd; ze wachten op een "
            "volgende poging."
        )

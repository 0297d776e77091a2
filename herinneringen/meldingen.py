"""Notifications: news for someone (a finding offered for review, a verdict), mailed
through the reminders' ledger and mail machinery and shown under Mijn acties.

An app calls `melden()` inside the transaction of the change it reports. The ledger row
(kind "melding", period = the event's key) and a delivery per recipient commit with
that change or not at all, and the unique key of the ledger makes a repeated call for
the same event (a retry, a second click) record nothing: each recipient gets one mail.
After commit the sweep is queued, which composes and sends the mail; if the broker is
down, the beat's next run sends it.
"""

import logging
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from douane_portfolio.transacties import schrijftransactie

from .models import Bezorging, Herinnering, HerinneringSoort
from .tasks import herinneringen_versturen

logger = logging.getLogger(__name__)


@schrijftransactie
def melden(*, over, sleutel, ontvangers, onderwerp, tekst="", link):
    """Record the notification `sleutel` about `over` for `ontvangers` (active, with an
    e-mail address); returns the ledger row, or None when it was recorded before."""
    ontvangers = {u.pk: u for u in ontvangers if u.is_active and u.email}
    if not ontvangers:
        return None
    vandaag = timezone.localdate()
    run = uuid.uuid4()
    Herinnering.objects.bulk_create(
        [
            Herinnering(
                content_type=ContentType.objects.get_for_model(over),
                object_id=over.pk,
                soort=HerinneringSoort.MELDING,
                periode=sleutel[:80],
                # A notification has no deadline; the day it was made stands in.
                datum=vandaag,
                deadline=vandaag,
                soortnaam=str(over._meta.verbose_name),
                omschrijving=onderwerp,
                context=str(over)[:300],
                url=settings.SITE_URL + link,
                tekst=tekst,
                run=run,
            )
        ],
        ignore_conflicts=True,
    )
    melding = Herinnering.objects.filter(run=run).first()
    if melding is None:
        return None
    Bezorging.objects.bulk_create(
        [Bezorging(herinnering=melding, ontvanger=u) for u in ontvangers.values()]
    )
    transaction.on_commit(versturen_aanvragen)
    return melding


def versturen_aanvragen():
    """Queue a sweep now rather than at the next quarter-hour; if the broker is down,
    the beat's next run sends the mail all the same."""
    try:
        herinneringen_versturen.apply_async(retry=False)
    except Exception:
        logger.warning("Kon geen herinneringsrun inplannen; de volgende geplande run doet het.")


@schrijftransactie
def melding_gelezen(*, bezorging):
    """Mark a notification read (once; reading it again keeps the first moment)."""
    Bezorging.objects.filter(pk=bezorging.pk, gelezen_op__isnull=True).update(
        gelezen_op=timezone.now()
    )

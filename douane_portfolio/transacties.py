"""Write transactions that PostgreSQL aborted for a deadlock or a serialization failure
run again, as a whole (issue 13).

The counter triggers lock their rows in key order per statement, but one transaction of
several statements (a new measure and then its links, a finding offered with its actions
closed first) can still take counter rows in another order than a second transaction:
PostgreSQL then aborts one of the two (SQLSTATE 40P01). Nothing is counted wrong, but
without this the user's change is lost with an error. The aborted transaction wrote
nothing, so running it again is safe:

- only the outermost transaction is run again: a call inside a caller's transaction
  runs once and leaves the retry to that caller (a savepoint cannot undo a deadlock's
  locks, and the caller's earlier work would be lost);
- the rollback drops what the attempt left for after the commit (`on_commit`: mail,
  Celery tasks, notifications) and its history rows, so these happen once;
- the model instances given as arguments are put back as they were before the attempt
  (a new row's pk, its `_state.adding`, a version raised), so the next attempt starts
  from the same input (and a form shown again after the last one shows them as given);
- at most `POGINGEN` attempts, a short random wait between them; then the error stands.

`schrijftransactie` is the usual form: a function that is one write transaction of its
own (`transaction.atomic`), run again as a whole. `opnieuw_bij_conflict` alone is for a
function that handles what happens around its transaction itself (an IntegrityError
turned into a message, a file removed when the row is not committed).
"""

import copy
import functools
import logging
import random
import time

from django.db import OperationalError, connection, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)

POGINGEN = 3
# deadlock_detected, serialization_failure
CONFLICTEN = frozenset({"40P01", "40001"})


def is_conflict(fout):
    """Whether `fout` is PostgreSQL aborting the transaction for a deadlock or a
    serialization failure (the driver's error is the cause of Django's)."""
    return getattr(fout.__cause__, "sqlstate", None) in CONFLICTEN


def _instanties(waarden):
    for waarde in waarden:
        if isinstance(waarde, Model):
            yield waarde
        elif isinstance(waarde, (list, tuple)):
            yield from _instanties(waarde)


def _vastleggen(args, kwargs):
    return [
        (obj, copy.copy(obj.__dict__), copy.copy(obj._state))
        for obj in _instanties((*args, *kwargs.values()))
    ]


def _terugzetten(toestand):
    for obj, velden, staat in toestand:
        obj.__dict__.clear()
        obj.__dict__.update(velden)
        obj._state = copy.copy(staat)


def opnieuw_bij_conflict(functie):
    """Run `functie` again (at most POGINGEN times in all) when PostgreSQL aborts its
    transaction for a deadlock or serialization failure; see the module."""

    @functools.wraps(functie)
    def uitvoeren(*args, **kwargs):
        if connection.in_atomic_block:
            return functie(*args, **kwargs)
        toestand = _vastleggen(args, kwargs)
        for poging in range(1, POGINGEN + 1):
            try:
                return functie(*args, **kwargs)
            except OperationalError as fout:
                if not is_conflict(fout):
                    raise
                _terugzetten(toestand)
                if poging == POGINGEN:
                    raise
                logger.warning(
                    "%s: transactie afgebroken (%s), poging %d van %d",
                    functie.__qualname__,
                    fout.__cause__.sqlstate,
                    poging + 1,
                    POGINGEN,
                )
                # Apart, so the two do not meet again at the same moment.
                time.sleep(random.uniform(0.01, 0.05) * poging)  # nosec B311

    return uitvoeren


def schrijftransactie(functie):
    """`functie` as one transaction (`transaction.atomic`) that runs again on a conflict.
    Inside a caller's transaction it is a savepoint and runs once: the caller decides."""
    return opnieuw_bij_conflict(transaction.atomic(functie))

from celery import shared_task

from . import herinneringen


# Safe to run twice (two beats, a redelivered message): the ledger refuses duplicates.
@shared_task(ignore_result=True)
def herinneringen_versturen():
    herinneringen.herinneringen_versturen()

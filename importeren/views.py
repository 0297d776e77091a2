"""Upload -> preview (with a hand mapping of columns) -> import, per stored file."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from douane_portfolio.transacties import opnieuw_bij_conflict, schrijftransactie

from . import lezen, tasks, verwerken
from .forms import KolommenForm, UploadForm
from .kolommen import herken
from .models import Importbestand, ImportStatus
from .sjablonen import sjabloon
from .soorten import SOORTEN


def _soorten_voor(user):
    return [s for s in SOORTEN.values() if s.mag(user)]


def _start(importbestand, *, opslaan):
    """Preview or import now, or in a worker for a large file."""
    importbestand.opslaan = opslaan
    if importbestand.totaal >= settings.IMPORTEREN_TAAK_VANAF:
        importbestand.status = ImportStatus.WACHTRIJ
        importbestand.verwerkt = 0
        importbestand.save()
        pk = importbestand.pk
        # The preview's last count must not show as the import's progress until the
        # worker writes its first one (the bar would jump back).
        verwerken.voortgang_pad(pk).unlink(missing_ok=True)
        transaction.on_commit(lambda: tasks.importbestand_verwerken.delay(pk))
    else:
        verwerken.uitvoeren(importbestand)


@login_required
def index(request):
    soorten = _soorten_voor(request.user)
    if not soorten:
        raise PermissionDenied("U mag niets importeren.")
    form = UploadForm(request.POST or None, request.FILES or None, soorten=soorten)
    if request.method == "POST" and form.is_valid():
        soort = SOORTEN[form.cleaned_data["soort"]]
        bestand = form.cleaned_data["bestand"]
        try:
            koppen, rijen = lezen.lees(bestand, bestand.name)
        except lezen.Onleesbaar as fout:
            form.add_error("bestand", str(fout))
        else:
            bestand.seek(0)
            verwerken.opruimen()
            importbestand = _uploaden(
                bestand, soort=soort, koppen=koppen, totaal=len(rijen), door=request.user
            )
            return redirect(importbestand)
    eerdere = Importbestand.objects.filter(door=request.user)[:10]
    return render(
        request,
        "importeren/index.html",
        {"form": form, "soorten": soorten, "eerdere": eerdere, "titel": "Importeren"},
    )


@opnieuw_bij_conflict
def _uploaden(bestand, *, soort, koppen, totaal, door):
    """The stored upload and its preview, in one transaction that runs again as a whole on
    a deadlock (the preview writes too). The file is stored before the row: an attempt
    that is not committed takes its copy away again."""
    importbestand = Importbestand(
        bestand=bestand,
        naam=bestand.name[:255],
        soort=soort.naam,
        koppen=koppen,
        kolommen=herken(koppen, soort),
        totaal=totaal,
        door=door,
    )
    try:
        with transaction.atomic():
            importbestand.save()
            _start(importbestand, opslaan=False)
    except BaseException:
        if importbestand.bestand and getattr(importbestand.bestand, "_committed", False):
            importbestand.bestand.storage.delete(importbestand.bestand.name)
        raise
    return importbestand


def _eigen(request, pk):
    importbestand = get_object_or_404(
        Importbestand.objects.select_related("door"), pk=pk, door=request.user
    )
    soort = SOORTEN.get(importbestand.soort)
    if soort is None or not soort.mag(request.user):
        raise Http404
    return importbestand, soort


@login_required
def bestand(request, pk):
    importbestand, soort = _eigen(request, pk)
    form = KolommenForm(importbestand=importbestand, soort=soort)
    return _toon(request, importbestand, soort, form)


def _toon(request, importbestand, soort, form):
    verwerkt, totaal = verwerken.voortgang_lezen(importbestand)
    resultaat = importbestand.resultaat or {}
    return render(
        request,
        "importeren/bestand.html",
        {
            "titel": f"Importeren: {importbestand.naam}",
            "importbestand": importbestand,
            "soort": soort,
            "form": form,
            "resultaat": resultaat,
            "verwerkt": verwerkt,
            "totaal": totaal,
            "meer_rijen": len(resultaat.get("rijen", [])) < resultaat.get("totaal", 0),
        },
    )


@login_required
@require_POST
def kolommen(request, pk):
    importbestand, soort = _eigen(request, pk)
    if importbestand.status not in (ImportStatus.GECONTROLEERD, ImportStatus.GEUPLOAD):
        messages.error(request, "Dit bestand wordt verwerkt of is al geïmporteerd.")
        return redirect(importbestand)
    form = KolommenForm(request.POST, importbestand=importbestand, soort=soort)
    if not form.is_valid():
        return _toon(request, importbestand, soort, form)
    _opnieuw_controleren(importbestand, kolommen=form.kolommen())
    return redirect(importbestand)


@schrijftransactie
def _opnieuw_controleren(importbestand, *, kolommen):
    # One transaction, run again as a whole on a deadlock (the preview writes too).
    importbestand.kolommen = kolommen
    _start(importbestand, opslaan=False)


@login_required
@require_POST
def importeren(request, pk):
    importbestand, gestart = _importeren(request, pk)
    if not gestart:
        messages.error(
            request, "Alleen een gecontroleerd bestand zonder fouten kan worden geïmporteerd."
        )
        return redirect(importbestand)
    if importbestand.status == ImportStatus.GEIMPORTEERD:
        messages.success(request, "Het bestand is geïmporteerd.")
    elif importbestand.status == ImportStatus.GECONTROLEERD:
        messages.error(request, "Er is niets geïmporteerd: het bestand bevat nu fouten.")
    return redirect(importbestand)


@schrijftransactie
def _importeren(request, pk):
    """(the file, whether it was imported or queued now). One transaction with the lock
    on the file; a small file is imported inside it, so a deadlock there runs the whole
    import again (`verwerken.verwerk` leaves that to its caller's transaction)."""
    importbestand, _ = _eigen(request, pk)
    importbestand = Importbestand.objects.select_for_update().get(pk=importbestand.pk)
    if not importbestand.kan_importeren:
        return importbestand, False
    _start(importbestand, opslaan=True)
    return importbestand, True


@login_required
def voortgang(request, pk):
    importbestand, _ = _eigen(request, pk)
    verwerkt, totaal = verwerken.voortgang_lezen(importbestand)
    # A poll is no activity of the user, and saving the session (SessieVernieuwen, once a
    # minute) would wait on SQLite for the write lock the running import holds until it ends.
    request.geen_activiteit = True
    return JsonResponse({"status": importbestand.status, "verwerkt": verwerkt, "totaal": totaal})


@login_required
def sjabloon_downloaden(request, soort):
    soort = SOORTEN.get(soort)
    if soort is None or not soort.mag(request.user):
        raise Http404
    response = HttpResponse(
        sjabloon(soort),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="sjabloon-{soort.naam}.xlsx"'
    return response

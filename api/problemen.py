"""Errors as problem details (RFC 9457): application/problem+json with Dutch texts.

Every refusal a service or DRF raises becomes one shape: type, title, status, detail
and, for bad input, `errors` with a JSON pointer per field.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from douane_portfolio.locking import VerouderdeVersie, laatste_wijziging

MEDIATYPE = "application/problem+json"

TITELS = {
    400: "Ongeldige invoer",
    401: "Niet aangemeld",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    412: "Verouderde versie",
    415: "Mediatype niet ondersteund",
    428: "Versie vereist",
    429: "Te veel verzoeken",
}


class VersieVereist(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Stuur de ETag van het object mee in de If-Match-header, zodat u geen wijziging "
        "van een ander overschrijft."
    )
    default_code = "versie_vereist"


class VersieVerouderd(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "Dit gegeven is intussen gewijzigd. Er is niets opgeslagen; haal het opnieuw op "
        "en breng uw wijziging daarin aan."
    )
    default_code = "versie_verouderd"


class BestaatAl(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "bestaat_al"


def _verouderd(fout):
    door, _ = laatste_wijziging(fout.instance) if fout.instance.pk else (None, None)
    if door is None:
        return VersieVerouderd()
    return VersieVerouderd(
        f"Dit gegeven is intussen gewijzigd door {door}. Er is niets opgeslagen; haal het "
        "opnieuw op en breng uw wijziging daarin aan."
    )


def _als_drf(exc):
    if isinstance(exc, VerouderdeVersie):
        return _verouderd(exc)
    if isinstance(exc, DjangoPermissionDenied):
        # Before ValidationError: a service's GeenToestemming is both.
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {
                    ("non_field_errors" if veld == "__all__" else veld): fouten
                    for veld, fouten in exc.message_dict.items()
                }
            )
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        return exceptions.NotFound("Dit gegeven bestaat niet, of u mag het niet zien.")
    return exc


def _veldfouten(detail, pad=""):
    """Flatten DRF's nested error detail into [{"pointer", "detail"}]."""
    if isinstance(detail, dict):
        fouten = []
        for sleutel, waarde in detail.items():
            sub = "" if sleutel == "non_field_errors" else f"{pad}/{sleutel}"
            fouten.extend(_veldfouten(waarde, sub))
        return fouten
    if isinstance(detail, list):
        if all(not isinstance(d, dict | list) for d in detail):
            return [{"pointer": f"#{pad}", "detail": str(d)} for d in detail]
        fouten = []
        for i, waarde in enumerate(detail):
            fouten.extend(_veldfouten(waarde, f"{pad}/{i}"))
        return fouten
    return [{"pointer": f"#{pad}", "detail": str(detail)}]


def probleem(status_code, detail, *, fouten=None, headers=None):
    body = {
        "type": "about:blank",
        "title": TITELS.get(status_code, "Fout"),
        "status": status_code,
        "detail": detail,
    }
    if fouten is not None:
        body["errors"] = fouten
    return Response(body, status=status_code, headers=headers, content_type=MEDIATYPE)


def probleem_handler(exc, context):
    exc = _als_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.ValidationError):
        fouten = _veldfouten(exc.detail)
        algemeen = [f["detail"] for f in fouten if f["pointer"] == "#"]
        detail = " ".join(algemeen) if algemeen else "De invoer bevat fouten; zie 'errors'."
        return probleem(response.status_code, detail, fouten=fouten, headers=headers)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(detail, list | dict):
        detail = " ".join(f["detail"] for f in _veldfouten(detail))
    return probleem(response.status_code, str(detail), headers=headers)

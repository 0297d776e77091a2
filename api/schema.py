"""OpenAPI additions: every operation documents its problem responses (RFC 9457)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .problemen import MEDIATYPE

PROBLEEM = {
    "type": "object",
    "description": "Probleemdetails volgens RFC 9457.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "pointer": {"type": "string", "description": "JSON-pointer naar het veld"},
                    "detail": {"type": "string"},
                },
                "required": ["pointer", "detail"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

LEZEN = {
    "400": "Ongeldige filter of cursor",
    "401": "Niet aangemeld, of sleutel onbekend, verlopen of ingetrokken",
    "403": "Geen rol die dit mag",
    "404": "Bestaat niet of niet zichtbaar",
    "406": "Niet aanvaardbaar",
    "429": "Te veel verzoeken met deze sleutel",
}
SCHRIJVEN = {
    **LEZEN,
    "400": "Ongeldige invoer",
    "403": "Zichtbaar maar niet te wijzigen, of een sleutel die alleen mag lezen",
    "409": "Bestaat al",
    "412": "Verouderde versie in If-Match",
    "415": "Mediatype niet ondersteund",
    "428": "If-Match ontbreekt",
}


ETAG = {
    "schema": {"type": "string"},
    "description": "De versie van het object, voor If-Match.",
}


def problemen_toevoegen(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Probleem"] = PROBLEEM
    verwijzing = {"$ref": "#/components/schemas/Probleem"}
    for url, pad in result.get("paths", {}).items():
        for methode, operatie in pad.items():
            if methode not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = LEZEN if methode == "get" else SCHRIJVEN
            antwoorden = operatie.setdefault("responses", {})
            for code, omschrijving in codes.items():
                antwoorden.setdefault(
                    code,
                    {"description": omschrijving, "content": {MEDIATYPE: {"schema": verwijzing}}},
                )
            if "{id}" in url or methode == "post":
                for code in ("200", "201"):
                    if code in antwoorden:
                        antwoorden[code].setdefault("headers", {})["ETag"] = ETAG
    return result


class SleutelSchema(OpenApiAuthenticationExtension):
    target_class = "api.authenticatie.SleutelAuthenticatie"
    name = "apiSleutel"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Een persoonlijke API-sleutel (pagina API-sleutels).",
        }


class SessieSchema(OpenApiAuthenticationExtension):
    target_class = "api.authenticatie.SessieAuthenticatie"
    name = "sessie"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}

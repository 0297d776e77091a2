from django.conf import settings
from django.core.checks import Error, Warning, register


@register(deploy=True)
def inloggen_productie(app_configs, **kwargs):
    problemen = []
    if settings.MFA_VERPLICHT == "uit":
        problemen.append(
            Warning(
                "MFA_VERPLICHT=uit: beheerders loggen in zonder tweede factor.",
                hint="Zet MFA_VERPLICHT=beheer (standaard) of alle.",
                id="inloggen.W001",
            )
        )
    return problemen


@register()
def oidc_configuratie(app_configs, **kwargs):
    if not settings.OIDC_RP_CLIENT_ID:
        return []
    problemen = []
    if not settings.OIDC_OP_DISCOVERY_URL and not (
        settings.OIDC_OP_ISSUER
        and settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        and settings.OIDC_OP_TOKEN_ENDPOINT
        and settings.OIDC_OP_JWKS_ENDPOINT
    ):
        problemen.append(
            Error(
                "OIDC_CLIENT_ID staat, maar de provider is niet bekend.",
                hint="Zet OIDC_DISCOVERY_URL, of OIDC_ISSUER, OIDC_AUTHORIZATION_ENDPOINT, "
                "OIDC_TOKEN_ENDPOINT en OIDC_JWKS_ENDPOINT.",
                id="inloggen.E001",
            )
        )
    return problemen

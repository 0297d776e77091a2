"""Who may see and do what, per role, checked on the server for every object."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import services
from audits.models import BevindingStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def _status(client_voor, user, url, **kwargs):
    return client_voor(user).get(url, **kwargs).status_code


@pytest.mark.parametrize(
    "naam,verwacht",
    [
        ("beheerder", 200),
        ("pm", 200),
        ("risicofunctionaris", 200),
        ("auditor", 200),
        ("lezer", 200),
        ("buitenstaander", 403),
    ],
)
@pytest.mark.parametrize("url", ["/audits/", "/audits/opvolging/", "/audits/acties/"])
def test_every_role_reads_the_lists_and_an_outsider_does_not(
    request, client_voor, naam, verwacht, url
):
    assert _status(client_voor, request.getfixturevalue(naam), url) == verwacht


@pytest.mark.parametrize("naam,verwacht", [("lezer", 200), ("pm2", 200), ("buitenstaander", 404)])
def test_the_detail_is_readable_for_roles_and_hidden_from_outsiders(
    request, client_voor, bevinding, naam, verwacht
):
    assert _status(client_voor, request.getfixturevalue(naam), bevinding.get_absolute_url()) == (
        verwacht
    )


def test_anonymous_users_are_sent_to_log_in(client, bevinding):
    response = client.get(bevinding.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# (url name, persona -> expected status on GET). The finding belongs to pm; the action
# to pm2; the finding is in uitvoering (or ter beoordeling for the verdict).
MATRIX = {
    "bevinding_nieuw": {"auditor": 200, "beheerder": 200, "pm": 403, "lezer": 403},
    "bevinding_bewerken": {"auditor": 200, "beheerder": 200, "pm": 403, "lezer": 403},
    "bevinding_aanbieden": {"pm": 200, "beheerder": 200, "pm2": 403, "auditor": 403, "lezer": 403},
    "bevinding_beoordelen": {"auditor": 200, "pm": 403, "beheerder": 403, "lezer": 403},
    "jaaroordeel_nieuw": {"auditor": 200, "beheerder": 200, "pm": 403, "lezer": 403},
    "vervolgactie_nieuw": {"auditor": 200, "pm": 200, "pm2": 403, "lezer": 403},
    "vervolgactie_bewerken": {
        "pm2": 200,
        "pm": 200,
        "auditor": 200,
        "lezer": 403,
        "risicofunctionaris": 403,
    },
    "deadline_verschuiven": {"pm2": 200, "auditor": 200, "lezer": 403, "risicofunctionaris": 403},
    "bewijs_nieuw": {
        "pm2": 200,
        "pm": 200,
        "auditor": 200,
        "lezer": 403,
        "risicofunctionaris": 403,
    },
}


@pytest.mark.parametrize(
    "url_naam,naam,verwacht",
    [(u, n, v) for u, per in MATRIX.items() for n, v in per.items()],
)
def test_forms_per_role(request, client_voor, bevinding, actie, pm, url_naam, naam, verwacht):
    if url_naam == "bevinding_beoordelen":
        actie.status = "afgerond"
        actie.save()
        services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Klaar.")
    if url_naam == "bevinding_nieuw":
        url = reverse("audits:bevinding_nieuw")
    elif url_naam in ("vervolgactie_bewerken", "deadline_verschuiven", "bewijs_nieuw"):
        url = reverse(f"audits:{url_naam}", args=[actie.pk])
    else:
        url = reverse(f"audits:{url_naam}", args=[bevinding.pk])
    assert _status(client_voor, request.getfixturevalue(naam), url) == verwacht


def test_a_lezer_posting_an_offer_is_refused_and_nothing_changes(client_voor, lezer, bevinding):
    response = client_voor(lezer).post(
        reverse("audits:bevinding_aanbieden", args=[bevinding.pk]), {"toelichting": "Klaar"}
    )
    assert response.status_code == 403
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.IN_UITVOERING


def test_the_owner_posting_a_verdict_is_refused(client_voor, pm, bevinding):
    services.bevinding_aanbieden(bevinding=bevinding, door=pm, toelichting="Klaar.")
    response = client_voor(pm).post(
        reverse("audits:bevinding_beoordelen", args=[bevinding.pk]),
        {"oordeel": "akkoord", "toelichting": ""},
    )
    assert response.status_code == 403
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.TER_BEOORDELING


def test_the_edit_form_cannot_set_the_status(client_voor, auditor, bevinding):
    client_voor(auditor).post(
        reverse("audits:bevinding_bewerken", args=[bevinding.pk]),
        {
            "rapport": bevinding.rapport_id,
            "titel": bevinding.titel,
            "soort": bevinding.soort,
            "domein": bevinding.domein,
            "eigenaar": bevinding.eigenaar_id,
            "status": "opgelost",
            "versie": bevinding.versie,
        },
    )
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.IN_UITVOERING


def test_the_action_owner_only_reports_progress(client_voor, pm2, actie):
    url = reverse("audits:vervolgactie_bewerken", args=[actie.pk])
    formulier = client_voor(pm2).get(url).context["form"]
    assert set(formulier.fields) == {"status", "toelichting", "versie"}
    response = client_voor(pm2).post(
        url,
        {
            "status": "afgerond",
            "toelichting": "Dossiers gecontroleerd.",
            "omschrijving": "Iets anders",
            "versie": actie.versie,
        },
    )
    assert response.status_code == 302
    actie.refresh_from_db()
    assert (actie.status, actie.omschrijving) == ("afgerond", "Inkoopdossiers op orde brengen")
    assert actie.afgerond_op is not None
    assert actie.history.first().history_change_reason == "Dossiers gecontroleerd."


@pytest.fixture
def bewijsstuk(actie, pm2):
    return services.bewijsstuk_toevoegen(
        actie=actie,
        door=pm2,
        toelichting="Controlelijst inkoopdossiers Q3",
        bestand=SimpleUploadedFile("controlelijst.pdf", PDF, content_type="application/pdf"),
    )


@pytest.mark.parametrize(
    "naam,verwacht",
    [
        ("auditor", 200),
        ("beheerder", 200),
        ("pm", 200),  # owner of the finding
        ("pm2", 200),  # owner of the action
        ("lezer", 404),
        ("risicofunctionaris", 404),
        ("buitenstaander", 404),
    ],
)
def test_who_may_download_evidence(request, client_voor, bewijsstuk, naam, verwacht):
    response = client_voor(request.getfixturevalue(naam)).get(
        reverse("audits:bewijs_download", args=[bewijsstuk.pk])
    )
    assert response.status_code == verwacht
    if verwacht == 200:
        assert b"".join(response.streaming_content) == PDF


def test_an_outsider_colleague_cannot_download_evidence(client_voor, bewijsstuk, bevinding):
    collega = UserFactory(username="pm3", rol="Programmamanager")
    response = client_voor(collega).get(reverse("audits:bewijs_download", args=[bewijsstuk.pk]))
    assert response.status_code == 404
    # The finding itself stays readable; only the evidence is hidden.
    pagina = client_voor(collega).get(bevinding.get_absolute_url()).content.decode()
    assert "Controlelijst inkoopdossiers Q3" not in pagina
    assert "controlelijst.pdf" not in pagina
    assert "1 bewijsstuk; alleen zichtbaar" in pagina


def test_the_evidence_is_listed_for_those_who_may_see_it(client_voor, bewijsstuk, bevinding, pm):
    pagina = client_voor(pm).get(bevinding.get_absolute_url()).content.decode()
    assert "Controlelijst inkoopdossiers Q3" in pagina
    assert reverse("audits:bewijs_download", args=[bewijsstuk.pk]) in pagina


def test_the_action_owner_cannot_drop_an_action_but_the_finding_owner_can(
    client_voor, pm2, pm, actie
):
    url = reverse("audits:vervolgactie_bewerken", args=[actie.pk])
    keuzes = dict(client_voor(pm2).get(url).context["form"].fields["status"].choices)
    assert "vervallen" not in keuzes
    keuzes = dict(client_voor(pm).get(url).context["form"].fields["status"].choices)
    assert "vervallen" in keuzes

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from audits.models import Bevinding, BevindingStatus
from douane_portfolio.admin import AlleenLezen, HistoryAdmin
from programmas.models import Statusrapportage
from tests.audits.factories import BevindingFactory, VervolgactieFactory
from tests.factories import UserFactory
from tests.programmas.factories import IndicatorwaardeFactory, StatusrapportageFactory

pytestmark = pytest.mark.django_db

DOMEIN = {"programmas", "risicos", "audits", "rapportage", "douane_portfolio"}


def test_the_portfolio_office_can_open_every_domain_admin_list(client, beheerder):
    beheerder.is_staff = True
    beheerder.save()
    client.force_login(beheerder)
    for model in admin.site._registry:
        if model._meta.app_label not in DOMEIN:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_others_do_not_reach_the_admin(client, pm):
    client.force_login(pm)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/beheer/login/" in response["Location"]


# --- The admin is no way around the services (issue 10, item 1) ---------------------


@pytest.fixture
def kantoor(beheerder):
    beheerder.is_staff = True
    beheerder.save()
    return beheerder


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _verzoek(user):
    request = RequestFactory().get("/beheer/")
    request.user = user
    return request


def test_no_record_with_history_can_be_deleted_in_the_admin(superuser):
    # Walks every registered admin, so a new model with history is covered too.
    request = _verzoek(superuser)
    gevonden = 0
    for model, model_admin in admin.site._registry.items():
        if not hasattr(model, "history") and not isinstance(model_admin, HistoryAdmin):
            continue
        gevonden += 1
        assert not model_admin.has_delete_permission(request), model
        assert "delete_selected" not in model_admin.get_actions(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not (inline.can_delete and inline.has_delete_permission(request, None))
    assert gevonden >= 15


def test_ledgers_and_verdicts_are_read_only_even_for_a_superuser(superuser):
    request = _verzoek(superuser)
    alleen_lezen = {
        f"{m._meta.app_label}.{m._meta.model_name}"
        for m, model_admin in admin.site._registry.items()
        if isinstance(model_admin, AlleenLezen)
    }
    assert alleen_lezen >= {
        "herinneringen.herinnering",
        "herinneringen.verzending",
        "douane_portfolio.rolwijziging",
        "risicos.scorewijziging",
        "audits.deadlineverschuiving",
        "audits.beoordeling",
        "audits.jaaroordeel",
        "programmas.statusrapportage",
        "rapportage.rapportsnapshot",
    }
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, AlleenLezen):
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model


def test_a_beheerder_cannot_delete_a_finding_by_view_or_action(client, kantoor, superuser):
    bevinding = BevindingFactory()
    for wie in (kantoor, superuser):
        client.force_login(wie)
        url = reverse("admin:audits_bevinding_delete", args=[bevinding.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        client.post(
            reverse("admin:audits_bevinding_changelist"),
            {"action": "delete_selected", "_selected_action": [bevinding.pk], "post": "yes"},
        )
    assert Bevinding.objects.filter(pk=bevinding.pk).exists()


def test_who_submitted_a_status_report_and_when_cannot_be_edited(client, kantoor, pm):
    rapport = StatusrapportageFactory(ingediend_door=pm)
    voor = Statusrapportage.objects.values().get(pk=rapport.pk)
    client.force_login(kantoor)
    response = client.post(
        reverse("admin:programmas_statusrapportage_change", args=[rapport.pk]),
        {
            "initiatief": rapport.initiatief_id,
            "periode": rapport.periode_id,
            "status": "rood",
            "toelichting": "Anders",
            "ingediend_door": kantoor.pk,
            "ingediend_op_0": "2020-01-01",
            "ingediend_op_1": "12:00:00",
        },
    )
    assert response.status_code == 403
    assert Statusrapportage.objects.values().get(pk=rapport.pk) == voor


def test_an_old_version_cannot_be_restored_over_a_service_status(client, kantoor):
    bevinding = BevindingFactory(status=BevindingStatus.OPEN)
    bevinding.status = BevindingStatus.TER_BEOORDELING
    bevinding.save()
    oud = bevinding.history.order_by("history_date").first()
    client.force_login(kantoor)
    url = reverse("admin:audits_bevinding_simple_history", args=[bevinding.pk, oud.history_id])
    assert client.get(url).status_code == 200
    data = {"rapport": bevinding.rapport_id, "titel": "Teruggezet", "soort": bevinding.soort}
    assert client.post(url, data).status_code == 403
    bevinding.refresh_from_db()
    assert bevinding.status == BevindingStatus.TER_BEOORDELING
    assert bevinding.titel != "Teruggezet"


def test_a_resolved_findings_actions_are_not_edited_in_the_admin(client, kantoor):
    actie = VervolgactieFactory(bevinding=BevindingFactory(status=BevindingStatus.OPGELOST))
    client.force_login(kantoor)
    for url in (
        reverse("admin:audits_bevinding_change", args=[actie.bevinding_id]),
        reverse("admin:audits_vervolgactie_change", args=[actie.pk]),
    ):
        response = client.post(url, {"omschrijving": "Heropend", "titel": "Heropend"})
        assert response.status_code == 403
    actie.refresh_from_db()
    assert actie.omschrijving != "Heropend"


def test_change_pages_with_fixed_fields_still_open(client, kantoor, superuser):
    actie = VervolgactieFactory()
    waarde = IndicatorwaardeFactory()
    rapport = StatusrapportageFactory()
    paginas = [
        ("programmas_rapportageperiode", waarde.periode_id),
        ("programmas_indicatorwaarde", waarde.pk),
        ("programmas_statusrapportage", rapport.pk),
        ("audits_vervolgactie", actie.pk),
        ("audits_bevinding", actie.bevinding_id),
        ("douane_portfolio_user", kantoor.pk),
    ]
    for wie in (kantoor, superuser):
        client.force_login(wie)
        for naam, pk in paginas:
            url = reverse(f"admin:{naam}_change", args=[pk])
            assert client.get(url).status_code == 200, (wie, url)


def test_large_relations_are_search_fields_in_the_admin():
    """Issue 13: no select box with every risk, initiative or person in a change form,
    and no full COUNT(*) on a changelist."""
    from django.contrib import admin as django_admin
    from django.db import models

    from douane_portfolio.admin import AlleenLezen

    groot = {"Risico", "Initiatief", "User", "Bevinding", "Auditrapport", "Risicodialoog"}
    for model, model_admin in django_admin.site._registry.items():
        if model._meta.app_label not in ("programmas", "risicos", "audits"):
            continue
        assert model_admin.show_full_result_count is False, model
        if isinstance(model_admin, AlleenLezen):
            continue
        for veld in model._meta.get_fields():
            if not isinstance(veld, models.ForeignKey | models.ManyToManyField):
                continue
            if veld.related_model.__name__ not in groot or not veld.editable:
                continue
            if veld.name in model_admin.get_readonly_fields(None):
                continue
            if veld.many_to_many and not veld.remote_field.through._meta.auto_created:
                continue  # edited through an inline
            zoekend = (*model_admin.autocomplete_fields, *model_admin.raw_id_fields)
            assert veld.name in zoekend, (model, veld.name)

import pytest
from django.contrib import admin
from django.urls import reverse

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

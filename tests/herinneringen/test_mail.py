"""The digest mail: subject, text and HTML parts; and the daily or weekly choice."""

import pytest
from django.conf import settings

from douane_portfolio.models import Herinneringsfrequentie
from programmas.models import PeriodeStatus
from tests.factories import UserFactory
from tests.herinneringen.conftest import DAG, VANDAAG, ontvangers, sweep
from tests.programmas.factories import InitiatiefFactory, MijlpaalFactory, PeriodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiatief(pm):
    return InitiatiefFactory(eigenaar=pm, naam="Verbetering informatiepositie")


def html(bericht):
    [(inhoud, soort)] = bericht.alternatives
    assert soort == "text/html"
    return inhoud


def test_one_digest_with_deadline_days_overdue_and_an_absolute_link(initiatief, pm):
    te_laat = MijlpaalFactory(
        initiatief=initiatief,
        omschrijving="Ombouw naar het nieuwe dataplatform",
        deadline=VANDAAG - 9 * DAG,
    )
    MijlpaalFactory(
        initiatief=initiatief, omschrijving="Datacatalogus opgeleverd", deadline=VANDAAG + 3 * DAG
    )
    PeriodeFactory(status=PeriodeStatus.OPEN, indiendeadline=VANDAAG - DAG)

    [bericht] = sweep(VANDAAG)

    assert bericht.to == ["pm@douane.example"]
    assert bericht.subject == "Douane Portfolio: 2 te laat, 1 deadline nadert"
    link = f"{settings.SITE_URL}{te_laat.get_absolute_url()}"
    tekst = bericht.body
    assert tekst.startswith(f"Beste {pm.first_name},")
    assert "TE LAAT (2)" in tekst and "DEADLINE NADERT (1)" in tekst
    assert "- Mijlpaal: Ombouw naar het nieuwe dataplatform" in tekst
    assert "Hoort bij: Verbetering informatiepositie" in tekst
    assert "Deadline: 18 november 2026, 9 dagen te laat" in tekst
    assert f"  {link}\n" in tekst
    assert "Deadline: 30 november 2026, over 3 dagen" in tekst
    assert "- Statusrapportage: Status 2026 T3 indienen" in tekst
    assert "Deadline: 26 november 2026, 1 dag te laat" in tekst
    assert f"{settings.SITE_URL}/acties/herinneringen/" in tekst
    assert "\n\n\n" not in tekst

    inhoud = html(bericht)
    assert f'<a href="{link}"' in inhoud
    assert "Ombouw naar het nieuwe dataplatform</a>" in inhoud
    assert "18 november 2026" in inhoud and "9 dagen te laat" in inhoud
    assert "Te laat (2)" in inhoud and "Deadline nadert (1)" in inhoud
    assert bericht.extra_headers["Message-ID"].startswith("<")


def test_the_escalation_mail_names_each_owner_and_escapes_html(beheerder, pm, pm2):
    MijlpaalFactory(
        initiatief=InitiatiefFactory(eigenaar=pm),
        omschrijving="Procedures <script> & scripts",
        deadline=VANDAAG - 20 * DAG,
    )
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm2), deadline=VANDAAG - 14 * DAG)
    mails = sweep(VANDAAG)
    [escalatie] = [m for m in mails if m.to == ["beheerder@douane.example"]]
    assert escalatie.subject == "Douane Portfolio: 2 geëscaleerd"
    assert "GEËSCALEERD (2)" in escalatie.body
    assert f"Eigenaar: {pm}" in escalatie.body and f"Eigenaar: {pm2}" in escalatie.body
    assert "20 dagen te laat" in escalatie.body
    assert "Procedures <script> & scripts" in escalatie.body
    assert "Procedures &lt;script&gt; &amp; scripts" in html(escalatie)


def test_a_weekly_reader_gets_due_soon_reminders_on_monday_but_overdue_ones_at_once(initiatief):
    pm = initiatief.eigenaar
    pm.herinneringsfrequentie = Herinneringsfrequentie.WEKELIJKS
    pm.save()
    # Friday 27 November: 14 days ahead of 11 December, but pm reads weekly.
    MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG + 14 * DAG)
    assert sweep(VANDAAG) == []
    MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG - DAG)
    assert [m.subject for m in sweep(VANDAAG + DAG)] == ["Douane Portfolio: 1 te laat"]
    # Monday 30 November: the week's overview, with what fell due since.
    [maandag] = sweep(VANDAAG + 3 * DAG)
    assert maandag.subject == "Douane Portfolio: 1 deadline nadert"
    assert "wekelijks, op maandag" in maandag.body
    assert sweep(VANDAAG + 4 * DAG) == []


def test_a_daily_reader_gets_due_soon_reminders_on_the_day(initiatief):
    MijlpaalFactory(initiatief=initiatief, deadline=VANDAAG + 14 * DAG)
    [bericht] = sweep(VANDAAG)
    assert "krijgt u dagelijks" in bericht.body


def test_escalations_ignore_the_weekly_choice_of_the_manager(pm, beheerder):
    beheerder.herinneringsfrequentie = Herinneringsfrequentie.WEKELIJKS
    beheerder.save()
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=pm), deadline=VANDAAG - 14 * DAG)
    assert ontvangers(sweep(VANDAAG)) == ["beheerder@douane.example", "pm@douane.example"]


def test_a_user_without_first_name_is_greeted_by_username(db):
    eigenaar = UserFactory(username="jdevries", first_name="", last_name="")
    MijlpaalFactory(initiatief=InitiatiefFactory(eigenaar=eigenaar), deadline=VANDAAG - DAG)
    [bericht] = sweep(VANDAAG)
    assert bericht.body.startswith("Beste jdevries,")

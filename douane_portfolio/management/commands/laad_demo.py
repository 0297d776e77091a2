"""Load the demo users and the 2023 data of the annual report.

Idempotent: objects are only created when missing, so a second run writes nothing
(no rows, no history). Each app contributes its part: the report's values as plain data in
`<app>/demo_data.py`, loaded by `laad()` in `<app>/demo.py`.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from douane_portfolio import rollen

# username, first name, last name, role, manager (username)
DEMO_GEBRUIKERS = (
    ("beheerder", "Bram", "Beheer", rollen.BEHEERDER, None),
    ("programmamanager", "Petra", "de Programmeur", rollen.PROGRAMMAMANAGER, "beheerder"),
    ("programmamanager2", "Paul", "van den Plan", rollen.PROGRAMMAMANAGER, "beheerder"),
    ("risicofunctionaris", "Rachida", "Risico", rollen.RISICOFUNCTIONARIS, "beheerder"),
    ("auditor", "Anton", "Auditor", rollen.AUDITOR, None),
    ("lezer", "Lotte", "Lezer", rollen.LEZER, None),
)


class Command(BaseCommand):
    help = "Laadt demogebruikers en de gegevens uit de jaarrapportage 2023 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ik-weet-het-demo",
            action="store_true",
            help="Laad de demo ook met DEBUG uit: alleen voor een demo-omgeving, nooit productie.",
        )

    def handle(self, *args, **options):
        # Fail closed: the demo accounts (beheerder/demo …) must never reach a production
        # database, so outside development loading them takes a deliberate choice.
        if not (settings.DEBUG or settings.DEMO_TOEGESTAAN or options["ik_weet_het_demo"]):
            raise CommandError(
                "laad_demo weigert: DEBUG staat uit, dit lijkt productie. De demogebruikers "
                "(met bekend wachtwoord) horen niet in een productiedatabase. Alleen voor "
                "een demo-omgeving: DEMO_TOEGESTAAN=1 of --ik-weet-het-demo."
            )
        self.laden()

    @transaction.atomic
    def laden(self):
        rollen.rollen_bijwerken()
        gebruikers = self.gebruikers_aanmaken()
        for config in apps.get_app_configs():
            module = f"{config.name}.demo"
            if config.name != "douane_portfolio" and importlib.util.find_spec(module):
                importlib.import_module(module).laad(gebruikers=gebruikers, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demogegevens geladen."))
        self.stdout.write(f"Demo-inloggegevens (wachtwoord: {self.wachtwoord_tekst()}):")
        for username, voornaam, achternaam, rol, _ in DEMO_GEBRUIKERS:
            self.stdout.write(f"  {username:<20} {rol:<20} {voornaam} {achternaam}")

    def wachtwoord_tekst(self):
        return "demo" if settings.DEMO_PASSWORD == "demo" else "uit DEMO_PASSWORD"

    def gebruikers_aanmaken(self):
        User = get_user_model()
        gebruikers = {}
        for username, voornaam, achternaam, rol, manager in DEMO_GEBRUIKERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=voornaam,
                    last_name=achternaam,
                    email=f"{username}@douane.example",
                    manager=gebruikers.get(manager),
                    is_staff=rol == rollen.BEHEERDER,
                )
                user.set_password(settings.DEMO_PASSWORD)
                user.save()
                user.groups.add(Group.objects.get(name=rol))
                self.stdout.write(f"Gebruiker {username} aangemaakt.")
            gebruikers[username] = user
        return gebruikers

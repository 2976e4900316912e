"""Load the demo data of every app: each app that has a `demo` module adds its own part."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stages.models import Antenne


class Command(BaseCommand):
    help = "Crée les données de démonstration (jamais en production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--si-vide", action="store_true",
            help="Ne rien faire si la base contient déjà des antennes.",
        )

    def handle(self, *args, si_vide=False, **options):
        if not settings.DEMO_AUTORISEE:
            raise CommandError("Les données de démonstration sont interdites avec ces réglages.")
        if Antenne.objects.exists():
            if si_vide:
                self.stdout.write("Base déjà remplie : données de démonstration non chargées.")
                return
            raise CommandError("La base contient déjà des antennes ; utilisez une base vide.")
        with transaction.atomic():
            for app in apps.get_app_configs():
                module = f"{app.name}.demo"
                if find_spec(module) is not None:
                    resume = import_module(module).charger()
                    self.stdout.write(f"{app.verbose_name} : {resume}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))

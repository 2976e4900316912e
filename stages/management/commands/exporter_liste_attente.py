"""`manage.py exporter_liste_attente --antenne CODE`: the waiting list, as on screen."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stages import exports
from stages.models import Antenne
from stages.selectors import FiltresListe


class Command(BaseCommand):
    help = "Exporte la liste d'attente d'une antenne dans son ordre de convocation (CSV ou XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--antenne", required=True, help="Code de l'antenne (ex. perpignan).")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--sortie", help="Fichier à écrire ; sans lui, le CSV va sur la sortie standard."
        )

    def handle(self, *args, antenne, sortie, **options):
        trouvee = Antenne.objects.filter(code=antenne).first()
        if trouvee is None:
            raise CommandError(f"Aucune antenne n'a le code « {antenne} ».")
        if options["format"] == "xlsx" and not sortie:
            raise CommandError("Le format xlsx s'écrit dans un fichier : précisez --sortie.")
        rangees = exports.rangees_liste_attente(trouvee, FiltresListe(), timezone.localdate())
        if options["format"] == "xlsx":
            with open(sortie, "wb") as fichier:
                exports.ecrire_xlsx(rangees, fichier)
        elif sortie:
            with open(sortie, "w", encoding="utf-8", newline="") as fichier:
                fichier.writelines(exports.morceaux_csv(rangees))
        else:
            for morceau in exports.morceaux_csv(rangees):
                self.stdout.write(morceau, ending="")
            return
        self.stdout.write(self.style.SUCCESS(f"Liste d'attente de {trouvee.nom} écrite dans {sortie}."))

"""Import a spreadsheet of orientations into one antenne, all or nothing (see README): the
worker's path (`imports.ecriture`), run synchronously in this process, same batches."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commun import tableurs
from stages import imports
from stages.models import Antenne


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV, XLSX, ODS ou XLS d'orientations dans une antenne : tout ou rien, "
        "sans doublon si le même fichier est importé deux fois."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="Fichier .csv, .xlsx, .ods ou .xls à importer.")
        parser.add_argument("--antenne", required=True, help="Code de l'antenne (ex. perpignan).")
        parser.add_argument(
            "--simulation", action="store_true",
            help="Vérifier le fichier et afficher ce qui serait créé, sans rien enregistrer.",
        )

    def handle(self, *args, fichier: Path, antenne: str, simulation: bool, **options):
        try:
            antenne_choisie = Antenne.objects.get(code=antenne)
        except Antenne.DoesNotExist:
            raise CommandError(f"Antenne inconnue : « {antenne} ».") from None
        try:
            if fichier.stat().st_size > tableurs.TAILLE_MAX:
                raise CommandError(tableurs.TROP_GROS)
            contenu = fichier.read_bytes()
        except OSError as erreur:
            raise CommandError(f"Fichier illisible : {fichier} ({erreur.strerror}).") from None
        action = imports.import_analyser if simulation else imports.import_executer
        try:
            analyse = action(antenne=antenne_choisie, contenu=contenu, nom_fichier=fichier.name)
        except tableurs.FichierIllisible as erreur:
            raise CommandError(str(erreur)) from None
        except imports.ImportRefuse as refus:
            analyse = refus.analyse
        self.stdout.write("\n".join(analyse.rapport()))
        if not analyse.valide:
            raise CommandError("Le fichier contient des erreurs : aucune orientation n'a été "
                               "enregistrée.")
        if simulation:
            self.stdout.write("Simulation : rien n'a été enregistré.")
        else:
            self.stdout.write(self.style.SUCCESS(imports.message_import(
                creees=len(analyse.a_creer), deja_presentes=analyse.nb_deja_importees,
                nom_fichier=fichier.name,
            ) + f" Antenne : {antenne_choisie.nom}."))

"""An import's creation against its preview, the same file side by side (budget: creating
the rows <= 2x the preview). Part of `make bench`: the rows it writes are rolled back."""

import csv
import io
import statistics
import time
from dataclasses import dataclass

from django.db import connection, transaction

from stages.imports import import_analyser, import_executer
from stages.models import Antenne
from tests.factories import creer_antenne, creer_prescripteur

PRESCRIPTEUR = "Parquet de Perpignan"


def fichier(nombre: int, prefixe: str) -> bytes:
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(["Nom", "Prénom", "Sexe", "Date de naissance", "Téléphone", "E-mail",
                       "Prescripteur", "Cadre", "Référence", "Date d'orientation",
                       "Date de décision", "Urgent", "Statut"])
    for n in range(nombre):
        ecrivain.writerow([
            f"{prefixe}Nom{n}", f"Prénom{n % 97}", "Homme",
            f"{1 + n % 28:02d}/0{1 + n % 9}/19{60 + n % 40}", "06 12 34 56 78",
            f"p{n}@exemple.fr", PRESCRIPTEUR, "41-1", f"{prefixe}-{n}", "02/03/2026",
            "20/02/2026", "non", "En attente",
        ])
    return sortie.getvalue().encode()


@dataclass(frozen=True)
class MesureImport:
    lignes: int
    apercu_s: float
    creation_s: float

    @property
    def rapport(self) -> float:
        return self.creation_s / self.apercu_s


class _Annuler(Exception):
    """Raised to roll the measured import back."""


def mesurer_import(nombre: int, repetitions: int = 3) -> MesureImport:
    """Median preview and creation times of a `nombre`-row file in a new antenne, every row
    written then rolled back (the bench database stays as it was)."""
    apercus, creations = [], []
    for essai in range(repetitions):
        try:
            with transaction.atomic():
                antenne = creer_antenne(code=f"bench-import-{essai}", nom="Mesure de l'import")
                creer_prescripteur(antenne, nom=PRESCRIPTEUR)
                contenu = fichier(nombre, f"M{essai}")
                debut = time.perf_counter()
                import_analyser(antenne=antenne, contenu=contenu, nom_fichier="m.csv")
                apercus.append(time.perf_counter() - debut)
                debut = time.perf_counter()
                import_executer(antenne=antenne, contenu=contenu, nom_fichier="m.csv")
                creations.append(time.perf_counter() - debut)
                if not Antenne.objects.get(pk=antenne.pk).orientations.count() == nombre:
                    raise AssertionError("l'import mesuré n'a pas créé toutes ses lignes")
                raise _Annuler
        except _Annuler:
            pass
    return MesureImport(nombre, statistics.median(apercus), statistics.median(creations))


def ligne_markdown(mesure: MesureImport) -> str:
    verdict = "dans le budget" if mesure.rapport <= 2 else "**hors budget**"
    return (f"| {connection.display_name} | {mesure.lignes:,} | {mesure.apercu_s:.2f} s "
            f"| {mesure.creation_s:.2f} s | {mesure.rapport:.2f} × ({verdict}) |").replace(",", "\u202f")

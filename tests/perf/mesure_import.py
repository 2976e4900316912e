"""Import creation against its preview, the same file side by side (budget: creation <= 2x
the preview). Not part of `make bench` (it writes thousands of rows); run on a scratch
database:

    DATABASE_URL=sqlite:////tmp/mesure.sqlite3 PYTHONPATH=. DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python tests/perf/mesure_import.py 5000 20000
"""

import csv
import io
import sys
import time

import django


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
            f"p{n}@exemple.fr", "Parquet de Perpignan", "41-1", f"{prefixe}-{n}", "02/03/2026",
            "20/02/2026", "non", "En attente",
        ])
    return sortie.getvalue().encode()


def main(tailles: list[int]) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from stages.imports import import_analyser, import_executer
    from stages.models import Antenne
    from tests.factories import creer_antenne, creer_prescripteur

    call_command("migrate", verbosity=0, interactive=False)
    for nombre in tailles:
        antenne = (Antenne.objects.filter(code=f"mesure{nombre}").first()
                   or creer_antenne(code=f"mesure{nombre}", nom=f"Mesure {nombre}"))
        if not antenne.prescripteurs.exists():
            creer_prescripteur(antenne, nom="Parquet de Perpignan")
        contenu = fichier(nombre, f"M{time.time_ns()}")
        debut = time.perf_counter()
        import_analyser(antenne=antenne, contenu=contenu, nom_fichier="m.csv")
        apercu = time.perf_counter() - debut
        debut = time.perf_counter()
        import_executer(antenne=antenne, contenu=contenu, nom_fichier="m.csv")
        creation = time.perf_counter() - debut
        print(f"{connection.vendor}, {nombre} lignes : aperçu {apercu:.1f} s, création "
              f"{creation:.1f} s ({1000 * creation / nombre:.2f} ms/ligne), "
              f"rapport {creation / apercu:.2f}")


if __name__ == "__main__":
    main([int(taille) for taille in sys.argv[1:]] or [5_000])

"""Makes the workbook fixtures of test_import_lecture.py once (they are committed):
    .venv/bin/python tests/stages/fichiers/fabriquer.py
writes liste.xlsx with openpyxl, then liste.ods and liste.xls with LibreOffice 7.4
(`soffice --headless --convert-to`, Debian's libreoffice-calc-nogui): genuine files of
both formats, which no Python package writes any more."""

import subprocess
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

ICI = Path(__file__).parent


def _jour(*annee_mois_jour) -> datetime:
    return datetime(*annee_mois_jour)  # noqa: DTZ001 (an Excel date has no time zone)


TITRES = ["Nom", "Prénom", "Sexe", "Date de naissance", "Téléphone", "Prescripteur", "Cadre",
          "Référence", "Date d'orientation", "Date de décision", "Urgent", "Statut"]
RANGEES = [
    ["Martin", "Léo", "Homme", _jour(1985, 7, 14), 612345678, "Parquet de Perpignan",
     "Alternative aux poursuites (CPP 41-1)", 123, _jour(2026, 3, 2), _jour(2026, 2, 20),
     "non", "En attente"],
    ["Durand", "Éloïse", "F", "06/05/1990", "0590 12 34 56", "", "volontaire", "PQ-7",
     "03/03/2026", None, "non", ""],
]

if __name__ == "__main__":
    classeur = Workbook()
    feuille = classeur.active
    for rangee in (TITRES, *RANGEES):
        feuille.append(rangee)
    classeur.save(ICI / "liste.xlsx")
    for format_ in ("ods", "xls"):
        commande = ["soffice", "--headless", "--convert-to", format_, "--outdir", str(ICI),
                    str(ICI / "liste.xlsx")]
        subprocess.run(commande, check=True)  # noqa: S603, S607 (a developer's one-off)

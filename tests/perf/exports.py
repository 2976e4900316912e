"""The waiting list's exports against the bare libraries writing the same rows, in the same run.

Budgets (architecture): CSV export <= 3x bare csv writing of the same rows, XLSX export
<= 1.5x the bare writer. Our side is the whole export as the view runs it (database read,
rows, phones, formatting, file); the bare side writes rows already built (what the file
holds) with the library alone: the ratio is what the export adds to the library.
The phone templates are emptied before each of our runs: every export is measured cold.
"""

import csv
import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import xlsxwriter
from django.utils import timezone
from openpyxl import Workbook

from commun import tableurs
from stages import exports, telephones
from stages.models import Antenne
from stages.selectors import FiltresListe
from tests.perf.donnees import milliers

BUDGET_CSV, BUDGET_XLSX = 3.0, 1.5


@dataclass(frozen=True)
class ResultatExport:
    libelle: str
    lignes: int
    export_ms: float
    base_ms: float
    base: str  # what the export is compared with
    budget: float | None  # None: a comparison only

    @property
    def rapport(self) -> float:
        return self.export_ms / self.base_ms

    @property
    def dans_budget(self) -> bool:
        return self.budget is None or self.rapport <= self.budget


def _duree_ms(fonction: Callable[[], object], repetitions: int) -> float:
    """Median of `repetitions` runs, in milliseconds."""
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    return statistics.median(durees)


def _froid(fonction: Callable[[], object]) -> Callable[[], object]:
    def a_froid():
        telephones._GABARITS.clear()
        return fonction()
    return a_froid


def csv_nu(rangees: list[list]) -> str:
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(exports.COLONNES)
    ecrivain.writerows(rangees)
    return sortie.getvalue()


def xlsxwriter_nu(rangees: list[list]) -> bytes:
    sortie = io.BytesIO()
    classeur = xlsxwriter.Workbook(sortie, {
        "constant_memory": True, "default_date_format": tableurs.FORMAT_DATE_XLSX,
    })
    feuille = classeur.add_worksheet()
    feuille.write_row(0, 0, exports.COLONNES)
    for ligne, valeurs in enumerate(rangees, start=1):
        feuille.write_row(ligne, 0, valeurs)
    classeur.close()
    return sortie.getvalue()


def openpyxl_nu(rangees: list[list]) -> bytes:
    sortie = io.BytesIO()
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet()
    feuille.append(exports.COLONNES)
    for valeurs in rangees:
        feuille.append(valeurs)
    classeur.save(sortie)
    return sortie.getvalue()


def mesurer_exports(antenne: Antenne, *, repetitions: int = 3) -> list[ResultatExport]:
    aujourd_hui, filtres = timezone.localdate(), FiltresListe()

    def rangees() -> list[list]:
        return list(exports.rangees_liste_attente(antenne, filtres, aujourd_hui))

    def export_csv() -> bytes:
        return "".join(exports.morceaux_csv(
            exports.rangees_liste_attente(antenne, filtres, aujourd_hui)
        )).encode()

    def export_xlsx() -> bytes:
        sortie = io.BytesIO()
        exports.ecrire_xlsx(exports.rangees_liste_attente(antenne, filtres, aujourd_hui), sortie)
        return sortie.getvalue()

    valeurs = rangees()
    textes = [tableurs.textes_csv(list(ligne), dates=exports.COLONNES_DATES,
                                 libres=exports.COLONNES_LIBRES) for ligne in valeurs]
    nombre = len(valeurs)
    csv_ms = _duree_ms(lambda: csv_nu(textes), repetitions)
    xlsxwriter_ms = _duree_ms(lambda: xlsxwriter_nu(valeurs), repetitions)
    openpyxl_ms = _duree_ms(lambda: openpyxl_nu(valeurs), repetitions)
    return [
        ResultatExport("Export CSV", nombre, _duree_ms(_froid(export_csv), repetitions), csv_ms,
                       "module csv seul, mêmes lignes déjà écrites en texte", BUDGET_CSV),
        ResultatExport("Export XLSX", nombre, _duree_ms(_froid(export_xlsx), repetitions),
                       xlsxwriter_ms, "xlsxwriter seul (mémoire constante), mêmes valeurs",
                       BUDGET_XLSX),
        ResultatExport("Lignes seules (base, libellés, téléphones)", nombre,
                       _duree_ms(_froid(rangees), repetitions), csv_ms, "module csv seul", None),
        ResultatExport("openpyxl seul (écriture seule)", nombre, openpyxl_ms, xlsxwriter_ms,
                       "xlsxwriter seul (mémoire constante)", None),
    ]


def _nombre(valeur: float) -> str:
    return f"{valeur:.1f}".replace(".", ",")


def tableau_markdown(resultats: list[ResultatExport]) -> str:
    lignes = [
        "| Mesure | lignes | temps (ms) | référence | référence (ms) | rapport | budget |",
        "|---|---:|---:|---|---:|---:|---|",
    ]
    for r in resultats:
        rapport = f"{r.rapport:.2f}".replace(".", ",")
        budget = "—" if r.budget is None else (
            f"≤ {_nombre(r.budget)} : {'OK' if r.dans_budget else 'KO'}"
        )
        lignes.append(
            f"| {r.libelle} | {milliers(r.lignes)} | {_nombre(r.export_ms)} | {r.base} | "
            f"{_nombre(r.base_ms)} | {rapport} | {budget} |"
        )
    return "\n".join(lignes)


def tableau_texte(resultats: list[ResultatExport]) -> str:
    return "\n".join(
        f"{r.libelle:<45} {r.lignes:>7} lignes  {r.export_ms:9.1f} ms  référence "
        f"{r.base_ms:9.1f} ms  rapport {r.rapport:5.2f}"
        + ("" if r.budget is None else f"  (≤ {r.budget}) {'OK' if r.dans_budget else 'KO'}")
        for r in resultats
    )

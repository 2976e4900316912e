"""The waiting list as a spreadsheet, CSV (French Excel) or XLSX.

One row builder for the screen's exports and the `exporter_liste_attente` command. The
import reads the same columns (`COLONNES`): keep their titles and order stable.
"""

import csv
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from stages.models import Antenne
from stages.selectors import (
    FiltresListe,
    LigneListe,
    lignes_liste_attente,
    liste_attente,
    rangs_liste_attente,
)

COLONNES = (
    "Rang", "Nom", "Prénom", "Sexe", "Date de naissance", "Téléphone", "E-mail",
    "Prescripteur", "Cadre", "Référence", "Date d'orientation", "Date de décision",
    "Date définitive", "Échéance", "Échéance initiale", "Accord de prolongation",
    "État de l'échéance", "Urgent", "Motif de l'urgence", "Type de stage",
    "Statut", "Reports", "Absences",
)
OUI, NON = "oui", "non"
FORMAT_DATE_CSV, FORMAT_DATE_XLSX = "%d/%m/%Y", "DD/MM/YYYY"
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula for a spreadsheet (CSV injection).
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def rangee(ligne: LigneListe) -> list:
    """One row's values in the order of COLONNES (dates as dates, empty as None)."""
    orientation, personne = ligne.orientation, ligne.orientation.personne
    return [
        ligne.rang, personne.nom, personne.prenom, personne.get_sexe_display(),
        personne.date_naissance, personne.telephone_affiche, personne.email,
        orientation.prescripteur.nom if orientation.prescripteur else "",
        orientation.get_cadre_display(), orientation.reference, orientation.date_orientation,
        orientation.date_decision, orientation.date_definitive, orientation.echeance,
        orientation.echeance_initiale, orientation.accord_prolongation, ligne.etat_echeance.label,
        OUI if orientation.urgent else NON, orientation.motif_urgence,
        orientation.get_type_stage_display(), orientation.get_statut_display(),
        orientation.nb_reports, orientation.nb_absences,
    ]


def rangees_liste_attente(
    antenne: Antenne, filtres: FiltresListe, aujourd_hui: date
) -> Iterator[list]:
    """The list's rows in its order, read by chunks so that a long list stays small."""
    rangs = rangs_liste_attente(antenne)
    orientations = liste_attente(antenne, filtres, aujourd_hui).iterator(chunk_size=1000)
    for ligne in lignes_liste_attente(orientations, rangs, aujourd_hui):
        yield rangee(ligne)


def nom_fichier(antenne: Antenne, aujourd_hui: date) -> str:
    return f"liste-attente-{antenne.code}-{aujourd_hui:%Y-%m-%d}"


class _Ligne:
    """What csv.writer writes to: it hands each line back instead of buffering it."""

    def write(self, ligne: str) -> str:
        return ligne


def _texte_csv(valeur) -> str | int:
    if valeur is None:
        return ""
    if isinstance(valeur, date):
        return valeur.strftime(FORMAT_DATE_CSV)
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE):
        return f"'{valeur}"
    return valeur


def morceaux_csv(rangees: Iterator[list]) -> Iterator[str]:
    """UTF-8 with a BOM and ';' between fields: what French Excel opens without asking."""
    ecrivain = csv.writer(_Ligne(), delimiter=";")
    yield "\ufeff"
    yield ecrivain.writerow(COLONNES)
    for valeurs in rangees:
        yield ecrivain.writerow([_texte_csv(valeur) for valeur in valeurs])


def _cellule_xlsx(feuille, valeur):
    if isinstance(valeur, date):
        cellule = WriteOnlyCell(feuille, valeur)
        cellule.number_format = FORMAT_DATE_XLSX
        return cellule
    if isinstance(valeur, str) and (
        valeur.startswith("=") or ILLEGAL_CHARACTERS_RE.search(valeur)
    ):
        # Text all the same: openpyxl would store '=...' as a formula and refuses control
        # characters.
        cellule = WriteOnlyCell(feuille, ILLEGAL_CHARACTERS_RE.sub("", valeur))
        cellule.data_type = "s"
        return cellule
    return valeur


def ecrire_xlsx(rangees: Iterator[list], sortie: BinaryIO) -> None:
    """Real dates (shown dd/mm/yyyy), the title row kept in view; written row by row."""
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("Liste d'attente")
    feuille.freeze_panes = "A2"
    titres = []
    for titre in COLONNES:
        cellule = WriteOnlyCell(feuille, titre)
        cellule.font = Font(bold=True)
        titres.append(cellule)
    feuille.append(titres)
    for valeurs in rangees:
        feuille.append([_cellule_xlsx(feuille, valeur) for valeur in valeurs])
    classeur.save(sortie)

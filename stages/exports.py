"""The waiting list as a spreadsheet, CSV (French Excel) or XLSX.

One row builder for the screen's exports and the `exporter_liste_attente` command. The
import reads the same columns (`COLONNES`): keep their titles and order stable.
"""

import csv
import re
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

import xlsxwriter

from stages.models import Antenne, Cadre, Sexe, Statut, TypeStage, etat_echeance
from stages.selectors import FiltresListe, liste_attente, rangs_liste_attente
from stages.telephones import numero_ecrit

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
ILLEGAUX_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# What each row reads from the database, as plain values (no model instance per row).
CHAMPS = (
    "pk", "personne__nom", "personne__prenom", "personne__sexe", "personne__date_naissance",
    "personne__telephone", "personne__email", "prescripteur__nom", "cadre", "reference",
    "date_orientation", "date_decision", "date_definitive", "echeance", "echeance_initiale",
    "accord_prolongation", "urgent", "motif_urgence", "type_stage", "statut", "nb_reports",
    "nb_absences",
)
COLONNES_DATES = frozenset(COLONNES.index(titre) for titre in (
    "Date de naissance", "Date d'orientation", "Date de décision", "Date définitive",
    "Échéance", "Échéance initiale",
))


def rangees_liste_attente(
    antenne: Antenne, filtres: FiltresListe, aujourd_hui: date
) -> Iterator[list]:
    """The list's rows in its order, values in the order of COLONNES (dates as dates, empty
    as None), read by chunks so that a long list stays small. Choice labels and deadline
    states are looked up once, phones written through `numero_ecrit`."""
    sexes, cadres, types, statuts = (
        dict(choix.choices) for choix in (Sexe, Cadre, TypeStage, Statut)
    )
    etats: dict[date, str] = {}
    # The whole waiting list is numbered as it is read; a filtered one takes its ranks in
    # the whole list (one window, for the export only).
    rangs = None if filtres == FiltresListe() else rangs_liste_attente(antenne)
    valeurs = liste_attente(antenne, filtres, aujourd_hui).values_list(*CHAMPS)
    for numero, (
        pk, nom, prenom, sexe, naissance, telephone, email, prescripteur, cadre, reference,
        date_orientation, date_decision, date_definitive, echeance, echeance_initiale,
        accord, urgent, motif_urgence, type_stage, statut, nb_reports, nb_absences,
    ) in enumerate(valeurs.iterator(chunk_size=2000), start=1):
        if (etat := etats.get(echeance)) is None:
            etat = etats[echeance] = etat_echeance(echeance, aujourd_hui).label
        yield [
            numero if rangs is None else rangs.get(pk), nom, prenom, sexes.get(sexe, sexe),
            naissance, numero_ecrit(telephone), email, prescripteur or "",
            cadres.get(cadre, cadre), reference, date_orientation, date_decision,
            date_definitive, echeance, echeance_initiale, accord, etat,
            OUI if urgent else NON, motif_urgence, types.get(type_stage, type_stage),
            statuts.get(statut, statut), nb_reports, nb_absences,
        ]


def nom_fichier(antenne: Antenne, filtres: FiltresListe, aujourd_hui: date) -> str:
    """A filtered export says so in its name: it is not the whole waiting list."""
    filtree = "" if filtres == FiltresListe() else "-filtree"
    return f"liste-attente-{antenne.code}{filtree}-{aujourd_hui:%Y-%m-%d}"


class _Ligne:
    """What csv.writer writes to: it hands each line back instead of buffering it."""

    def write(self, ligne: str) -> str:
        return ligne


# Typed by staff or imported: may start like a formula. The other texts are our labels.
COLONNES_LIBRES = tuple(COLONNES.index(titre) for titre in (
    "Nom", "Prénom", "Téléphone", "E-mail", "Prescripteur", "Référence",
    "Accord de prolongation", "Motif de l'urgence",
))
_DATES_CSV: dict[date, str] = {}  # a few hundred distinct days in a list


def _textes_csv(valeurs: list) -> list:
    """Dates as dd/mm/yyyy (None as empty: csv writes it so), a text that a spreadsheet
    would take for a formula behind a quote (CSV injection)."""
    for i in COLONNES_DATES:
        if (jour := valeurs[i]) is not None:
            if (texte := _DATES_CSV.get(jour)) is None:
                texte = _DATES_CSV[jour] = jour.strftime(FORMAT_DATE_CSV)
            valeurs[i] = texte
    for i in COLONNES_LIBRES:
        if (texte := valeurs[i]) and texte.startswith(DEBUTS_DE_FORMULE):
            valeurs[i] = f"'{texte}"
    return valeurs


def morceaux_csv(rangees: Iterator[list]) -> Iterator[str]:
    """UTF-8 with a BOM and ';' between fields: what French Excel opens without asking."""
    ecrivain = csv.writer(_Ligne(), delimiter=";")
    yield "\ufeff"
    yield ecrivain.writerow(COLONNES)
    for valeurs in rangees:
        yield ecrivain.writerow(_textes_csv(valeurs))


# Column widths in characters: the title's, at least those of the usual values, wider
# when a longer value comes, up to this.
LARGEUR_MAX = 60
LARGEURS_MIN = {"Rang": 6, "Date de naissance": 11, "Téléphone": 15, "E-mail": 28,
                "Prescripteur": 24, "Cadre": 30, "Statut": 14}


def ecrire_xlsx(rangees: Iterator[list], sortie: BinaryIO) -> None:
    """Real dates (shown dd/mm/yyyy), the title row frozen with an autofilter, columns as
    wide as their content; written row by row (xlsxwriter's constant memory mode)."""
    classeur = xlsxwriter.Workbook(sortie, {
        "constant_memory": True,
        # Text stays text: no formula from '=...', no link or number read into a cell.
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "default_date_format": FORMAT_DATE_XLSX,
    })
    feuille = classeur.add_worksheet("Liste d'attente")
    feuille.write_row(0, 0, COLONNES, classeur.add_format({"bold": True}))
    feuille.freeze_panes(1, 0)
    largeurs = [max(len(titre) + 2, LARGEURS_MIN.get(titre, 10)) for titre in COLONNES]
    textes = [i for i, titre in enumerate(COLONNES) if i not in COLONNES_DATES]
    ligne = 0
    for ligne, valeurs in enumerate(rangees, start=1):
        for i in textes:
            if (valeur := valeurs[i]).__class__ is str:
                if len(valeur) > largeurs[i]:
                    largeurs[i] = min(len(valeur) + 1, LARGEUR_MAX)
                if ILLEGAUX_XLSX.search(valeur):  # control characters: refused in XML
                    valeurs[i] = ILLEGAUX_XLSX.sub("", valeur)
        feuille.write_row(ligne, 0, valeurs)
    for i, largeur in enumerate(largeurs):
        feuille.set_column(i, i, largeur)
    feuille.autofilter(0, 0, ligne, len(COLONNES) - 1)
    classeur.close()

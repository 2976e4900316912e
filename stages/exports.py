"""The waiting list as a spreadsheet, CSV (French Excel) or XLSX.

One row builder for the screen's exports and the `exporter_liste_attente` command. The
import reads the same columns (`COLONNES`): keep their titles and order stable.
"""

from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

from commun import tableurs
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


# Typed by staff or imported: may start like a formula. The other texts are our labels.
COLONNES_LIBRES = tuple(COLONNES.index(titre) for titre in (
    "Nom", "Prénom", "Téléphone", "E-mail", "Prescripteur", "Référence",
    "Accord de prolongation", "Motif de l'urgence",
))
LARGEURS_MIN = {"Rang": 6, "Date de naissance": 11, "Téléphone": 15, "E-mail": 28,
                "Prescripteur": 24, "Cadre": 30, "Statut": 14}


def morceaux_csv(rangees: Iterator[list]) -> Iterator[str]:
    """The rows of `rangees_liste_attente` as CSV, line by line."""
    return tableurs.morceaux_csv(COLONNES, rangees, dates=COLONNES_DATES, libres=COLONNES_LIBRES)


def ecrire_xlsx(rangees: Iterator[list], sortie: BinaryIO) -> None:
    """The rows of `rangees_liste_attente` as one sheet of an .xlsx."""
    tableurs.ecrire_xlsx(COLONNES, rangees, sortie, feuille="Liste d'attente",
                         dates=COLONNES_DATES, largeurs_min=LARGEURS_MIN)

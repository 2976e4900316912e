"""Reading one cell of an imported spreadsheet, and the table of the columns an import knows.

The columns are the export's (`exports.COLONNES`, matched by title, case and accents
ignored). Every rule on the values is the models' `full_clean()`; this module only reads.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from commun.tableurs import FichierIllisible, lire_texte
from stages import exports
from stages.dates import annee_sur_deux_chiffres, date_plausible, jour_mois_annee
from stages.models import Cadre, Orientation, Personne, Sexe, Statut, TypeStage, normaliser

FORMAT_DATE = "jj/mm/aaaa"


class ValeurInvalide(ValueError):
    """One cell that does not read as its column's type; the message is in French."""


# --- Reading one cell ------------------------------------------------------------------


# What a file saved in an encoding that lacks some letters puts in their place.
LETTRES_PERDUES = ("?", "\ufffd")


def lire_nom(valeur) -> str:
    """A nom or prénom: 'Nguy?n' is Nguyễn saved by a spreadsheet in Windows-1252."""
    texte = lire_texte(valeur)
    if perdue := next((c for c in LETTRES_PERDUES if c in texte), None):
        raise ValeurInvalide(
            f"« {texte} » contient « {perdue} » à la place d'une lettre, perdue quand le fichier "
            "a été enregistré : enregistrez-le en CSV UTF-8 ou en classeur Excel (.xlsx), puis "
            "déposez-le à nouveau."
        )
    return texte


_JJ_MM_AAAA = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
# LibreOffice saves the dates of a CSV it opened with two-digit years: 05/10/91.
_JJ_MM_AA = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{2})")
# ISO, possibly with the time of a spreadsheet's date-time.
_AAAA_MM_JJ = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T][0-9:.]*)?")


def lire_date(valeur, age_minimum: int | None = None) -> date | None:
    """`age_minimum`: of a birth date, for the century of a two-digit year
    (`dates.annee_sur_deux_chiffres`)."""
    if isinstance(valeur, datetime):  # a real date of an .xlsx cell
        return valeur.date()
    if isinstance(valeur, date):
        return valeur
    texte = lire_texte(valeur)
    if not texte:
        return None
    if trouve := _JJ_MM_AA.fullmatch(texte):
        jour, mois, annee = map(int, trouve.groups())
        try:
            return annee_sur_deux_chiffres(annee, mois, jour, aujourd_hui=timezone.localdate(),
                                           age_minimum=age_minimum)
        except ValueError:
            raise ValeurInvalide(f"Cette date n'existe pas : « {texte} ».") from None
    if (parties := jour_mois_annee(texte, _JJ_MM_AAAA, _AAAA_MM_JJ)) is None:
        raise ValeurInvalide(f"Date illisible : « {texte} » (attendu {FORMAT_DATE}, par exemple 03/03/2026).")
    jour, mois, annee = parties
    try:
        lue = date(int(annee), int(mois), int(jour))
    except ValueError:
        raise ValeurInvalide(f"Cette date n'existe pas : « {texte} ».") from None
    # A typo such as 9999 would also overflow the six months added to it.
    try:
        date_plausible(lue)
    except ValidationError:
        raise ValeurInvalide(f"Année invraisemblable : « {texte} ».") from None
    return lue


def lire_date_naissance(valeur) -> date | None:
    return lire_date(valeur, age_minimum=Personne.AGE_MINIMUM)


def lecteur_choix(choix: type[models.TextChoices], **alias: str) -> Callable[[object], str]:
    """A choice by its code, its label, its label without the legal article, or an alias."""
    valeurs = {}
    for code, libelle in choix.choices:
        for nom in (code, libelle, libelle.split(" (")[0]):
            valeurs[normaliser(nom)] = code
    valeurs |= {normaliser(nom): code for nom, code in alias.items()}
    possibles = ", ".join(f"« {libelle} »" for libelle in choix.labels)

    def lire(valeur) -> str:
        texte = lire_texte(valeur)
        if not texte:
            return ""
        try:
            return valeurs[normaliser(texte)]
        except KeyError:
            raise ValeurInvalide(
                f"Valeur inconnue : « {texte} ». Valeurs possibles : {possibles}."
            ) from None

    return lire


_lire_cadre = lecteur_choix(Cadre)


def lire_cadre(valeur) -> str:
    """A code such as 131-5-1 or 41-1 that a spreadsheet took for a date: say so."""
    texte = f"{valeur:%d/%m/%Y}" if isinstance(valeur, date) else lire_texte(valeur)
    if isinstance(valeur, date) or _AAAA_MM_JJ.fullmatch(texte) or _JJ_MM_AAAA.fullmatch(texte):
        raise ValeurInvalide(
            f"Le tableur a pris ce cadre pour une date (« {texte} ») : écrivez son libellé, par "
            "exemple « Peine de stage (C. pén. 131-5-1) », ou mettez la colonne au format texte "
            "avant de saisir le code."
        )
    return _lire_cadre(valeur)


_OUI = {"oui", "o", "x", "1", "vrai", "true", "yes"}
_NON = {"", "non", "n", "0", "faux", "false", "no"}


def lire_oui_non(valeur) -> bool:
    if isinstance(valeur, bool):
        return valeur
    texte = normaliser(lire_texte(valeur))
    if texte in _OUI or texte in _NON:
        return texte in _OUI
    raise ValeurInvalide(f"Valeur non comprise : « {lire_texte(valeur)} » (écrivez oui ou non).")


def lire_entier(valeur) -> int:
    texte = lire_texte(valeur)
    if not texte:
        return 0
    if not re.fullmatch(r"[0-9]{1,9}", texte):
        raise ValeurInvalide(f"Nombre entier attendu : « {texte} ».")
    return int(texte)


# --- The columns -----------------------------------------------------------------------

# Small words a title may have or not: "Date naissance" is "Date de naissance".
_MOTS_VIDES = {"de", "du", "des", "d", "la", "le", "l", "e", "en"}


def cle_de_titre(titre: str) -> str:
    """A column title as compared: case, accents, punctuation and small words ignored
    ('Né(e) le' -> 'ne', 'N° de dossier' -> 'n dossier', 'Réf.' -> 'ref')."""
    mots = normaliser(titre).split()
    return " ".join(mot for mot in mots if mot not in _MOTS_VIDES) or " ".join(mots)



@dataclass(frozen=True)
class Colonne:
    titre: str  # the export's title, or a column only an import can have
    modele: type[models.Model]
    champ: str
    lire: Callable[[object], object]
    obligatoire: str = ""  # when it is needed, for the documentation ("" : optional)
    format: str = ""
    exemple: str = ""
    alias: tuple[str, ...] = ()

    def noms(self) -> set[str]:
        """Every header accepted for this column (`cle_de_titre`): its title, the field's
        name and label, and the usual ways a spreadsheet names it (`alias`)."""
        libelle = self.modele._meta.get_field(self.champ).verbose_name
        return {cle_de_titre(nom) for nom in (self.titre, self.champ, libelle, *self.alias)}

    @property
    def requise(self) -> bool:
        return self.obligatoire == OUI

    @property
    def manquante(self) -> str:
        """The message of an empty cell the line needs: 'Date de naissance manquante'."""
        feminin = normaliser(self.titre).split()[0] in _NOMS_FEMININS
        return f"{self.titre} {'manquante' if feminin else 'manquant'}."


_NOMS_FEMININS = {"date", "echeance", "reference", "adresse"}


OUI = "Oui"
_SI_JUDICIAIRE = "Sauf démarche volontaire"
_FORMAT_DATE = f"Date {FORMAT_DATE} ou jj/mm/aa (ou vraie date du tableur)"
COLONNES = (
    Colonne("Nom", Personne, "nom", lire_nom, OUI, "Texte", "MARTIN",
            alias=("Nom de famille", "Nom de naissance")),
    Colonne("Prénom", Personne, "prenom", lire_nom, OUI, "Texte", "Léo", alias=("Prénoms",)),
    Colonne("Sexe", Personne, "sexe", lecteur_choix(Sexe, H=Sexe.HOMME, masculin=Sexe.HOMME,
                                                     feminin=Sexe.FEMME),
            OUI, "Homme ou Femme (H, M, F)", "Homme"),
    Colonne("Date de naissance", Personne, "date_naissance", lire_date_naissance, OUI, _FORMAT_DATE,
            "14/07/1985", alias=("Né(e) le", "Née le", "Né le", "Naissance", "Date de naiss", "DDN")),
    Colonne("Téléphone", Personne, "telephone", lire_texte, "",
            "Numéro français ou d'outre-mer écrit librement ; étranger avec son indicatif",
            "06 12 34 56 78", alias=("Tél", "Téléphone portable", "Tél portable", "Portable",
                                     "Téléphone mobile", "Mobile", "Numéro de téléphone", "N° de téléphone")),
    Colonne("E-mail", Personne, "email", lire_texte, "", "Adresse e-mail", "leo.martin@exemple.fr",
            alias=("email", "courriel", "mail", "Adresse e-mail", "Adresse mail")),
    Colonne("Prescripteur", Orientation, "prescripteur", lire_texte, _SI_JUDICIAIRE,
            "Nom d'un prescripteur de l'antenne, déjà créé", "Parquet de Perpignan"),
    Colonne("Cadre", Orientation, "cadre", lire_cadre, OUI,
            "Code ou libellé : " + ", ".join(Cadre.values), "Alternative aux poursuites (CPP 41-1)"),
    Colonne("Référence", Orientation, "reference", lire_texte, "",
            f"Texte, {Orientation._meta.get_field('reference').max_length} caractères au plus",
            "PQ-2026-00123", alias=("Ref", "N° de dossier", "Numéro de dossier", "Dossier",
                                    "Référence du dossier", "N° parquet", "Numéro parquet")),
    Colonne("Date d'orientation", Orientation, "date_orientation", lire_date, OUI,
            f"{_FORMAT_DATE} ; donne le rang dans la liste d'attente", "02/03/2026",
            alias=("Orientée le", "Orienté le", "Date de l'orientation")),
    Colonne("Date de décision", Orientation, "date_decision", lire_date, _SI_JUDICIAIRE,
            _FORMAT_DATE, "20/02/2026"),
    Colonne("Date définitive", Orientation, "date_definitive", lire_date,
            "Pour une peine de stage (131-5-1)",
            f"{_FORMAT_DATE} : jour où la condamnation est devenue définitive", "05/03/2026"),
    Colonne("Échéance", Orientation, "echeance", lire_date, "",
            f"{_FORMAT_DATE} ; vide : calculée avec le délai de l'antenne", "20/08/2026",
            alias=("Date d'échéance", "Date limite")),
    Colonne("Échéance initiale", Orientation, "echeance_initiale", lire_date, "",
            f"{_FORMAT_DATE} ; celle d'avant une prolongation (vide : l'échéance)", "20/08/2026"),
    Colonne("Accord de prolongation", Orientation, "accord_prolongation", lire_texte,
            "Si l'échéance a été prolongée", "Texte : qui l'a accordée, et quand",
            "Mme Martin, parquet, courriel du 12/11/2026"),
    Colonne("Urgent", Orientation, "urgent", lire_oui_non, "", "oui ou non (vide : non)", "non",
            alias=("Urgence",)),
    Colonne("Motif de l'urgence", Orientation, "motif_urgence", lire_texte, "Si urgent", "Texte",
            "Réorientation", alias=("Motif d'urgence", "Motif urgence", "Raison de l'urgence")),
    Colonne("Type de stage", Orientation, "type_stage", lecteur_choix(TypeStage, femme=TypeStage.FEMMES),
            "", "Mixte ou Non mixte (femmes) ; vide : mixte", "Mixte"),
    Colonne("Statut", Orientation, "statut", lecteur_choix(Statut), "",
            "Vide ou En attente ; les lignes d'un autre statut sont ignorées", "En attente"),
    Colonne("Reports", Orientation, "nb_reports", lire_entier, "", "Nombre (vide : 0)", "0"),
    Colonne("Absences", Orientation, "nb_absences", lire_entier, "", "Nombre (vide : 0)", "0"),
    Colonne("Adresse", Personne, "adresse", lire_texte, "", "Adresse postale", "2 rue des Lilas"),
    Colonne("Observations", Orientation, "observations", lire_texte, "", "Texte", "",
            alias=("Observation", "Remarques", "Remarque", "Commentaires", "Commentaire")),
)
# The export's columns that the application computes: read, never imported.
COLONNES_CALCULEES = ("Rang", "État de l'échéance")
PAR_NOM = {nom: colonne for colonne in COLONNES for nom in colonne.noms()}
PAR_CHAMP = {(colonne.modele, colonne.champ): colonne for colonne in COLONNES}


def colonnes_documentees() -> list[tuple[str, Colonne | None]]:
    """The export's columns in its order, then the columns only an import may add."""
    par_titre = {colonne.titre: colonne for colonne in COLONNES}
    return [(titre, par_titre.get(titre)) for titre in exports.COLONNES] + [
        (colonne.titre, colonne) for colonne in COLONNES if colonne.titre not in exports.COLONNES
    ]


def colonnes_du_fichier(entetes: list[str]) -> tuple[dict[int, Colonne], list[str]]:
    """Column index -> Colonne, and the titles that are neither imported nor computed."""
    trouvees, ignorees = {}, []
    calculees = {cle_de_titre(titre) for titre in COLONNES_CALCULEES}
    for index, titre in enumerate(entetes):
        colonne = PAR_NOM.get(cle_de_titre(titre))
        if colonne is None:
            if titre and cle_de_titre(titre) not in calculees:
                ignorees.append(titre)
        elif colonne in trouvees.values():
            raise FichierIllisible(f"La colonne « {colonne.titre} » apparaît deux fois.")
        else:
            trouvees[index] = colonne
    absentes = [c.titre for c in COLONNES if c.requise and c not in trouvees.values()]
    if absentes:
        raise FichierIllisible(
            "Colonnes obligatoires absentes : " + ", ".join(f"« {t} »" for t in absentes)
            + ". La première ligne du fichier doit porter les titres des colonnes "
            "(voir la liste des colonnes)."
        )
    return trouvees, ignorees

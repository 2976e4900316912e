"""Import of a spreadsheet of orientations (CSV or XLSX): read, check every line, then
create everything or nothing.

The columns are the export's (`exports.COLONNES`, matched by title, case and accents
ignored): a list exported from one antenne and imported into another keeps its order,
because the date d'orientation (the rank key) and the urgency are kept and the lines are
created in the file's order (equal dates are then ranked by id, as in the export).
Every rule on the values is the models' `full_clean()`; this module only reads the cells.
"""

import codecs
import csv
import hashlib
import io
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat

from stages import exports
from stages.models import (
    Antenne,
    Cadre,
    Orientation,
    Personne,
    Prescripteur,
    Sexe,
    Statut,
    TypeStage,
    normaliser,
)
from stages.services import orientation_creer

TAILLE_MAX = 5 * 1024 * 1024
LIGNES_MAX = 20_000
# Blank lines are skipped, but not endlessly: a sheet may claim a million empty rows.
LIGNES_LUES_MAX = 2 * LIGNES_MAX
COLONNES_LUES_MAX = 60
ANNEES_PLAUSIBLES = (1900, 2100)
# An .xlsx is a zip: the declared size of its unpacked parts bounds what openpyxl reads
# (Python's zipfile never inflates a member past its declared size).
DECOMPRESSE_MAX = 20 * TAILLE_MAX
TAILLE_MAX_TEXTE = f"{TAILLE_MAX // 2**20} Mo"
LIGNES_MAX_TEXTE = f"{LIGNES_MAX:,}".replace(",", "\u202f")
TROP_GROS = f"Le fichier dépasse {TAILLE_MAX_TEXTE} : découpez-le en plusieurs fichiers."
TROP_DE_LIGNES = f"Le fichier dépasse {LIGNES_MAX_TEXTE} lignes : découpez-le en plusieurs fichiers."
# Each orientation goes through `orientation_creer` (rules, history): about 10 to 20 ms
# here, so that a page stays within a web request's time; the command has no such limit.
A_CREER_MAX_PAGE = 1_000
APERCU_LIGNES = 50
APERCU_ERREURS = 500
FORMAT_DATE = "jj/mm/aaaa"


class FichierIllisible(Exception):
    """The file as a whole cannot be imported; the message is for the user, in French."""


class ValeurInvalide(ValueError):
    """One cell that does not read as its column's type; the message is in French."""


# --- Reading one cell ------------------------------------------------------------------


def lire_texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)  # a reference or a phone typed as a number in Excel
    texte = str(valeur).strip()
    # The export protects cells that a spreadsheet would run as a formula with a quote.
    if texte.startswith("'") and texte[1:].startswith(exports.DEBUTS_DE_FORMULE):
        texte = texte[1:]
    return texte


_JJ_MM_AAAA = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
# ISO, possibly with the time of a spreadsheet's date-time.
_AAAA_MM_JJ = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T][0-9:.]*)?")


def lire_date(valeur) -> date | None:
    if isinstance(valeur, datetime):  # a real date of an .xlsx cell
        return valeur.date()
    if isinstance(valeur, date):
        return valeur
    texte = lire_texte(valeur)
    if not texte:
        return None
    if trouve := _JJ_MM_AAAA.fullmatch(texte):
        jour, mois, annee = trouve.groups()
    elif trouve := _AAAA_MM_JJ.fullmatch(texte):
        annee, mois, jour = trouve.groups()
    else:
        raise ValeurInvalide(
            f"Date illisible : « {texte} » (attendu {FORMAT_DATE}, par exemple 03/03/2026)."
        )
    try:
        lue = date(int(annee), int(mois), int(jour))
    except ValueError:
        raise ValeurInvalide(f"Cette date n'existe pas : « {texte} ».") from None
    # A typo such as 9999 would also overflow the six months added to it.
    if not ANNEES_PLAUSIBLES[0] <= lue.year <= ANNEES_PLAUSIBLES[1]:
        raise ValeurInvalide(f"Année invraisemblable : « {texte} ».")
    return lue


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
        """Every header accepted for this column: its title, the field's name and label."""
        libelle = self.modele._meta.get_field(self.champ).verbose_name
        return {normaliser(nom) for nom in (self.titre, self.champ, libelle, *self.alias)}

    @property
    def requise(self) -> bool:
        return self.obligatoire == OUI


OUI = "Oui"
_SI_JUDICIAIRE = "Sauf démarche volontaire"
_FORMAT_DATE = f"Date {FORMAT_DATE} (ou vraie date Excel)"
COLONNES = (
    Colonne("Nom", Personne, "nom", lire_texte, OUI, "Texte", "MARTIN"),
    Colonne("Prénom", Personne, "prenom", lire_texte, OUI, "Texte", "Léo"),
    Colonne("Sexe", Personne, "sexe", lecteur_choix(Sexe, H=Sexe.HOMME, masculin=Sexe.HOMME,
                                                     feminin=Sexe.FEMME),
            OUI, "Homme ou Femme (H, M, F)", "Homme"),
    Colonne("Date de naissance", Personne, "date_naissance", lire_date, OUI, _FORMAT_DATE,
            "14/07/1985"),
    Colonne("Téléphone", Personne, "telephone", lire_texte, "",
            "Numéro français ou d'outre-mer, écrit librement", "06 12 34 56 78"),
    Colonne("E-mail", Personne, "email", lire_texte, "", "Adresse e-mail", "leo.martin@exemple.fr",
            alias=("email", "courriel")),
    Colonne("Prescripteur", Orientation, "prescripteur", lire_texte, _SI_JUDICIAIRE,
            "Nom d'un prescripteur de l'antenne, déjà créé", "Parquet de Perpignan"),
    Colonne("Cadre", Orientation, "cadre", lecteur_choix(Cadre), OUI,
            "Code ou libellé : " + ", ".join(Cadre.values), "Alternative aux poursuites (CPP 41-1)"),
    Colonne("Référence", Orientation, "reference", lire_texte, "",
            f"Texte, {Orientation._meta.get_field('reference').max_length} caractères au plus",
            "PQ-2026-00123"),
    Colonne("Date d'orientation", Orientation, "date_orientation", lire_date, OUI,
            f"{_FORMAT_DATE} ; donne le rang dans la liste d'attente", "02/03/2026"),
    Colonne("Date de décision", Orientation, "date_decision", lire_date, _SI_JUDICIAIRE,
            _FORMAT_DATE, "20/02/2026"),
    Colonne("Date définitive", Orientation, "date_definitive", lire_date,
            "Pour une peine de stage (131-5-1)",
            f"{_FORMAT_DATE} : jour où la condamnation est devenue définitive", "05/03/2026"),
    Colonne("Échéance", Orientation, "echeance", lire_date, "",
            f"{_FORMAT_DATE} ; vide : calculée avec le délai de l'antenne", "20/08/2026"),
    Colonne("Urgent", Orientation, "urgent", lire_oui_non, "", "oui ou non (vide : non)", "non"),
    Colonne("Motif de l'urgence", Orientation, "motif_urgence", lire_texte, "Si urgent", "Texte",
            "Réorientation"),
    Colonne("Type de stage", Orientation, "type_stage", lecteur_choix(TypeStage, femme=TypeStage.FEMMES),
            "", "Mixte ou Non mixte (femmes) ; vide : mixte", "Mixte"),
    Colonne("Statut", Orientation, "statut", lecteur_choix(Statut), "",
            "Vide ou En attente ; les lignes d'un autre statut sont ignorées", "En attente"),
    Colonne("Reports", Orientation, "nb_reports", lire_entier, "", "Nombre (vide : 0)", "0"),
    Colonne("Absences", Orientation, "nb_absences", lire_entier, "", "Nombre (vide : 0)", "0"),
    Colonne("Adresse", Personne, "adresse", lire_texte, "", "Adresse postale", "2 rue des Lilas"),
    Colonne("Observations", Orientation, "observations", lire_texte, "", "Texte", ""),
)
# The export's columns that the application computes: read, never imported.
COLONNES_CALCULEES = ("Rang", "État de l'échéance")
_PAR_NOM = {nom: colonne for colonne in COLONNES for nom in colonne.noms()}
_PAR_CHAMP = {(colonne.modele, colonne.champ): colonne for colonne in COLONNES}


def colonnes_documentees() -> list[tuple[str, Colonne | None]]:
    """The export's columns in its order, then the columns only an import may add."""
    par_titre = {colonne.titre: colonne for colonne in COLONNES}
    return [(titre, par_titre.get(titre)) for titre in exports.COLONNES] + [
        (colonne.titre, colonne) for colonne in COLONNES if colonne.titre not in exports.COLONNES
    ]


# --- Reading the file ------------------------------------------------------------------


_BINAIRE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CSV_INVITE = "Enregistrez-le en CSV (UTF-8) ou en classeur Excel (.xlsx)."


def _texte_csv(contenu: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's 'texte Unicode'), or cp1252 (old Excel)."""
    binaire = FichierIllisible(
        f"Ce fichier n'est ni un CSV ni un classeur Excel (.xlsx) : il contient des données "
        f"binaires. {_CSV_INVITE}"
    )
    if contenu.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodages = ("utf-16",)
    elif b"\x00" in contenu:
        raise binaire
    else:
        encodages = ("utf-8-sig", "cp1252")
    for encodage in encodages:
        try:
            texte = contenu.decode(encodage)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FichierIllisible(f"L'encodage du fichier n'est pas reconnu. {_CSV_INVITE}")
    if _BINAIRE.search(texte):
        raise binaire
    return texte


def _lignes_csv(contenu: bytes) -> Iterator[list]:
    texte = _texte_csv(contenu)
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    separateur = max(";,\t", key=premiere.count)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    try:
        yield from lecteur
    except csv.Error:
        raise FichierIllisible(
            f"Le fichier CSV est mal formé vers la ligne {lecteur.line_num} (guillemet non "
            f"fermé ou cellule trop longue). {_CSV_INVITE}"
        ) from None


def _lignes_xlsx(contenu: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    illisible = FichierIllisible(
        "Ce fichier n'est pas un classeur Excel (.xlsx) lisible (les formats .xls et .ods ne "
        f"sont pas pris en charge). {_CSV_INVITE}"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            decompresse = sum(membre.file_size for membre in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise illisible from None
    if decompresse > DECOMPRESSE_MAX:
        raise FichierIllisible(
            f"Ce classeur est trop volumineux une fois décompressé "
            f"({filesizeformat(decompresse)}). Découpez-le en plusieurs fichiers."
        )
    # openpyxl reads untrusted XML and may fail in many ways on a forged file: any failure
    # is an unreadable file (expat itself refuses entity expansion bombs). Its warnings on
    # unsupported Excel features say nothing to the user.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
            try:
                feuille = classeur.worksheets[0]
                rangees = feuille.iter_rows(max_col=COLONNES_LUES_MAX, values_only=True)
                # One more than read at most, so that the caller sees the file is too long.
                return list(islice(rangees, LIGNES_LUES_MAX + 1))
            finally:
                classeur.close()
    except Exception:  # noqa: BLE001 (see above)
        raise illisible from None


def lire_tableau(contenu: bytes, nom_fichier: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header row and the non-blank rows with their line number as the spreadsheet shows
    it. Raises FichierIllisible with a French message for anything but a usable table."""
    if len(contenu) > TAILLE_MAX:
        raise FichierIllisible(TROP_GROS)
    if not contenu.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise FichierIllisible("Le fichier est vide.")
    if contenu.startswith(b"PK\x03\x04"):
        rangees = _lignes_xlsx(contenu)
    elif contenu.startswith(b"\xd0\xcf\x11\xe0"):
        raise FichierIllisible(f"Le format Excel 97-2003 (.xls) n'est pas pris en charge. {_CSV_INVITE}")
    elif nom_fichier.lower().endswith(".xlsx"):
        raise FichierIllisible(
            f"« {nom_fichier} » n'est pas un vrai classeur Excel (.xlsx). {_CSV_INVITE}"
        )
    else:
        rangees = _lignes_csv(contenu)
    entetes, lignes = None, []
    for numero, rangee in enumerate(rangees, start=1):
        if numero > LIGNES_LUES_MAX or len(lignes) > LIGNES_MAX:
            raise FichierIllisible(TROP_DE_LIGNES)
        if not any(lire_texte(valeur) for valeur in rangee):
            continue
        if entetes is None:
            entetes = [lire_texte(valeur) for valeur in rangee]
        else:
            lignes.append((numero, list(rangee)))
    if len(lignes) > LIGNES_MAX:
        raise FichierIllisible(TROP_DE_LIGNES)
    if entetes is None:
        raise FichierIllisible("Le fichier est vide.")
    if not lignes:
        raise FichierIllisible("Le fichier ne contient aucune orientation sous la ligne des titres.")
    return entetes, lignes


def _colonnes_du_fichier(entetes: list[str]) -> tuple[dict[int, Colonne], list[str]]:
    """Column index -> Colonne, and the titles that are neither imported nor computed."""
    trouvees, ignorees = {}, []
    calculees = {normaliser(titre) for titre in COLONNES_CALCULEES}
    for index, titre in enumerate(entetes):
        colonne = _PAR_NOM.get(normaliser(titre))
        if colonne is None:
            if titre and normaliser(titre) not in calculees:
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


# --- Checking each line ----------------------------------------------------------------


class Issue(models.TextChoices):
    A_CREER = "a_creer", "À créer"
    DEJA_IMPORTEE = "deja_importee", "Déjà présente"
    IGNOREE = "ignoree", "Ignorée"


LIGNE_ENTIERE = "Ligne entière"  # the column of an error that is not one cell's


@dataclass(frozen=True)
class ErreurLigne:
    ligne: int
    colonne: str
    message: str


@dataclass
class LigneImport:
    numero: int
    personne: Personne  # unsaved, or an existing person reused
    orientation: Orientation  # unsaved
    cle: str
    issue: Issue = Issue.A_CREER
    motif: str = ""  # why the line is not created
    meme_personne_que: int | None = None  # an earlier line of the file names the same person
    personne_existante: bool = False  # known to the antenne before the import


@dataclass
class Analyse:
    nom_fichier: str
    lignes: list[LigneImport] = field(default_factory=list)
    erreurs: list[ErreurLigne] = field(default_factory=list)
    colonnes_ignorees: list[str] = field(default_factory=list)
    nb_lignes: int = 0

    @property
    def valide(self) -> bool:
        return not self.erreurs

    @property
    def a_creer(self) -> list[LigneImport]:
        return [ligne for ligne in self.lignes if ligne.issue == Issue.A_CREER]

    @property
    def nb_personnes_nouvelles(self) -> int:
        return len({id(ligne.personne) for ligne in self.a_creer if not ligne.personne_existante})

    @property
    def nb_personnes_reprises(self) -> int:
        return len({ligne.personne.pk for ligne in self.a_creer if ligne.personne_existante})

    @property
    def nb_deja_importees(self) -> int:
        return sum(ligne.issue == Issue.DEJA_IMPORTEE for ligne in self.lignes)

    @property
    def nb_ignorees(self) -> int:
        return sum(ligne.issue == Issue.IGNOREE for ligne in self.lignes)

    @property
    def apercu(self) -> list[LigneImport]:
        return self.lignes[:APERCU_LIGNES]

    @property
    def erreurs_apercu(self) -> list[ErreurLigne]:
        return self.erreurs[:APERCU_ERREURS]

    def rapport(self) -> list[str]:
        """The same report as the preview page, as lines of text (the command prints it)."""
        texte = [
            f"Fichier « {self.nom_fichier} » : {self.nb_lignes} ligne(s) lue(s).",
            f"À créer : {len(self.a_creer)} orientation(s) ({self.nb_personnes_nouvelles} "
            f"nouvelle(s) personne(s), {self.nb_personnes_reprises} personne(s) déjà connue(s) "
            "reprise(s)).",
            f"Déjà présentes (non réimportées) : {self.nb_deja_importees}. "
            f"Ignorées : {self.nb_ignorees}.",
        ]
        if self.colonnes_ignorees:
            texte.append("Colonnes ignorées : " + ", ".join(self.colonnes_ignorees) + ".")
        texte += [f"Ligne {ligne.numero} : {ligne.issue.label.lower()} — {ligne.motif}"
                  for ligne in self.lignes if ligne.motif]
        if self.erreurs:
            texte.append(f"{len(self.erreurs)} erreur(s) : rien ne sera enregistré.")
            texte += [f"Ligne {e.ligne}, {e.colonne} : {e.message}" for e in self.erreurs]
        return texte


def _titre(modele: type[models.Model], champ: str) -> str:
    if champ == NON_FIELD_ERRORS:
        return LIGNE_ENTIERE
    if colonne := _PAR_CHAMP.get((modele, champ)):
        return colonne.titre
    return str(modele._meta.get_field(champ).verbose_name).capitalize()


def cle_import(antenne: Antenne, personne: Personne, orientation: Orientation) -> str:
    """The same line imported again into the same antenne gives the same key."""
    identite = [
        str(antenne.pk), normaliser(personne.nom), normaliser(personne.prenom),
        personne.date_naissance.isoformat(), orientation.date_orientation.isoformat(),
        orientation.cadre, normaliser(orientation.reference),
    ]
    return "import:" + hashlib.sha256("\x1f".join(identite).encode()).hexdigest()


class _Contexte:
    """What every line is checked against, read in one query for the whole file."""

    def __init__(self, antenne: Antenne):
        self.antenne = antenne
        self.exacts, self.approches = {}, defaultdict(list)
        for prescripteur in antenne.prescripteurs.all():
            self.exacts[prescripteur.nom] = prescripteur
            self.approches[normaliser(prescripteur.nom)].append(prescripteur)

    def prescripteur(self, nom: str) -> Prescripteur:
        """By its exact name, else by its name with accents and case ignored."""
        if nom in self.exacts:
            return self.exacts[nom]
        match self.approches.get(normaliser(nom), []):
            case [prescripteur]:
                return prescripteur
            case []:
                raise ValeurInvalide(
                    f"Prescripteur inconnu : « {nom} » (créez-le d'abord ou corrigez le nom)."
                )
            case _:
                raise ValeurInvalide(
                    f"Plusieurs prescripteurs s'appellent presque « {nom} » : écrivez le nom exact."
                )


def _lire_ligne(
    numero: int, rangee: list, colonnes: dict[int, Colonne], contexte: _Contexte,
) -> tuple[Personne, Orientation, list[ErreurLigne]]:
    personne = Personne(antenne=contexte.antenne)
    orientation = Orientation(antenne=contexte.antenne)
    erreurs, illisibles = [], {Personne: set(), Orientation: set()}
    for index, colonne in colonnes.items():
        try:
            valeur = colonne.lire(rangee[index] if index < len(rangee) else None)
            if colonne.champ == "prescripteur":
                valeur = contexte.prescripteur(valeur) if valeur else None
            if valeur is not None and valeur != "":  # empty: the model's default
                setattr(personne if colonne.modele is Personne else orientation, colonne.champ,
                        valeur)
        except ValeurInvalide as erreur:
            erreurs.append(ErreurLigne(numero, colonne.titre, str(erreur)))
            illisibles[colonne.modele].add(colonne.champ)
    if orientation.date_orientation and not orientation.echeance:
        orientation.echeance = orientation.echeance_selon_le_delai()
    # The foreign keys come from the database already (or are set when saving): no query;
    # an échéance left empty because a date was unreadable is not a second error.
    a_exclure = {Personne: {"antenne"},
                 Orientation: {"antenne", "personne", "prescripteur", "echeance_initiale"}}
    if orientation.echeance is None:
        a_exclure[Orientation].add("echeance")
    for objet in (personne, orientation):
        modele = type(objet)
        try:
            objet.full_clean(exclude=a_exclure[modele] | illisibles[modele])
        except ValidationError as erreur:
            for champ, messages in erreur.message_dict.items():
                if champ not in illisibles[modele]:
                    erreurs += [ErreurLigne(numero, _titre(modele, champ), m) for m in messages]
    return personne, orientation, erreurs


def _personnes_connues(antenne: Antenne, personnes: list[Personne]) -> dict[tuple, Personne]:
    """The rule of `services.personnes_doublons` (same nom, prénom and birth date, accents and
    case ignored) for every line at once: one query (LIGNES_MAX keeps under SQLite's limit
    of parameters)."""
    connues = {}
    existantes = Personne.objects.filter(
        antenne=antenne, nom_normalise__in={normaliser(p.nom) for p in personnes}
    ).order_by("pk")
    for existante in existantes:
        cle = (existante.nom_normalise, existante.prenom_normalise, existante.date_naissance)
        connues.setdefault(cle, existante)
    return connues


def _identite(personne: Personne) -> tuple:
    return normaliser(personne.nom), normaliser(personne.prenom), personne.date_naissance


def import_analyser(*, antenne: Antenne, contenu: bytes, nom_fichier: str) -> Analyse:
    """Read and check every line; nothing is written. Raises FichierIllisible."""
    entetes, rangees = lire_tableau(contenu, nom_fichier)
    colonnes, ignorees = _colonnes_du_fichier(entetes)
    analyse = Analyse(nom_fichier=nom_fichier, colonnes_ignorees=ignorees, nb_lignes=len(rangees))
    contexte = _Contexte(antenne)
    for numero, rangee in rangees:
        personne, orientation, erreurs = _lire_ligne(numero, rangee, colonnes, contexte)
        analyse.erreurs += erreurs
        if not erreurs:
            analyse.lignes.append(LigneImport(
                numero, personne, orientation, cle_import(antenne, personne, orientation)
            ))
    _rapprocher(antenne, analyse)
    return analyse


def _rapprocher(antenne: Antenne, analyse: Analyse) -> None:
    """Mark what exists already: lines imported before, the same orientation entered by
    hand, people already known (reused, never duplicated), a line repeated in the file."""
    connues = _personnes_connues(antenne, [ligne.personne for ligne in analyse.lignes])
    cles_existantes = set(Orientation.objects.filter(
        cle_creation__in=[ligne.cle for ligne in analyse.lignes]
    ).values_list("cle_creation", flat=True))
    orientations_connues = {
        (personne_id, date_orientation, cadre, normaliser(reference))
        for personne_id, date_orientation, cadre, reference in Orientation.objects.filter(
            personne__in=connues.values()
        ).values_list("personne_id", "date_orientation", "cadre", "reference")
    }
    par_cle, personnes_du_fichier = {}, {}
    for ligne in analyse.lignes:
        if ligne.cle in par_cle:
            analyse.erreurs.append(ErreurLigne(
                ligne.numero, LIGNE_ENTIERE,
                f"Même personne, date d'orientation, cadre et référence qu'à la ligne "
                f"{par_cle[ligne.cle].numero} : ligne en double.",
            ))
            continue
        par_cle[ligne.cle] = ligne
        identite = _identite(ligne.personne)
        orientation = ligne.orientation
        if identite in connues:
            ligne.personne, ligne.personne_existante = connues[identite], True
        elif identite in personnes_du_fichier:
            ligne.meme_personne_que, ligne.personne = personnes_du_fichier[identite]
        else:
            personnes_du_fichier[identite] = (ligne.numero, ligne.personne)
        if orientation.statut != Statut.EN_ATTENTE:
            ligne.issue = Issue.IGNOREE
            ligne.motif = (f"statut « {orientation.get_statut_display()} » : seules les "
                           "orientations en attente sont importées.")
        elif ligne.cle in cles_existantes:
            ligne.issue, ligne.motif = Issue.DEJA_IMPORTEE, "déjà importée."
        elif (ligne.personne.pk, orientation.date_orientation, orientation.cadre,
              normaliser(orientation.reference)) in orientations_connues:
            ligne.issue = Issue.DEJA_IMPORTEE
            ligne.motif = "cette personne a déjà cette orientation (même date, cadre et référence)."
    analyse.lignes = list(par_cle.values())
    analyse.erreurs.sort(key=lambda erreur: erreur.ligne)


# --- Writing ---------------------------------------------------------------------------


class ImportRefuse(Exception):
    """Some line is wrong: nothing was saved. `analyse.erreurs` says which and why."""

    def __init__(self, analyse: Analyse):
        super().__init__(f"{len(analyse.erreurs)} erreur(s)")
        self.analyse = analyse


@transaction.atomic
def import_executer(*, antenne: Antenne, contenu: bytes, nom_fichier: str) -> Analyse:
    """Check every line again, then create all the orientations of the file or none.

    Two imports into one antenne run in turn (a double click on « Confirmer »): the second
    finds every line already imported and creates nothing.
    """
    Antenne.objects.select_for_update(no_key=True).get(pk=antenne.pk)
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier=nom_fichier)
    if not analyse.valide:
        raise ImportRefuse(analyse)
    for ligne in analyse.a_creer:
        try:
            orientation_creer(
                personne=ligne.personne, orientation=ligne.orientation, cle_creation=ligne.cle
            )
        except ValidationError as erreur:  # e.g. a prescripteur deleted since the analysis
            analyse.erreurs += [ErreurLigne(ligne.numero, LIGNE_ENTIERE, message)
                                for message in erreur.messages]
            raise ImportRefuse(analyse) from erreur
    return analyse


class FormulaireImport(forms.Form):
    fichier = forms.FileField(
        label="Fichier à importer",
        help_text=f"CSV ou classeur Excel (.xlsx), {TAILLE_MAX_TEXTE} et {LIGNES_MAX_TEXTE} "
                  "lignes au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": f".csv,.xlsx,text/csv,{exports.TYPE_XLSX}"}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX:
            raise ValidationError(TROP_GROS)
        return fichier

"""Checking every line of an imported file against the models' rules and matching it with
what the antenne has already (people, orientations, earlier imports); `ecriture` then
creates all of it or nothing.

A list exported from one antenne and imported into another keeps its order, because the
date d'orientation (the rank key) and the urgency are kept and the lines are created in the
file's order (equal dates are then ranked by id, as in the export).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from commun.tableurs import lire_tableau
from stages.historique import valeur_affichee
from stages.identite import identite_de, orientation_comparable, orientations_comparables, personnes_connues
from stages.imports.cellules import PAR_CHAMP, Colonne, ValeurInvalide, colonnes_du_fichier
from stages.models import (
    Antenne,
    Orientation,
    Personne,
    Prescripteur,
    Statut,
    noms_proches,
    normaliser,
)
from stages.templatetags.affichage import compte

APERCU_LIGNES = 50
APERCU_ERREURS = 500


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


# What a known person's line may carry otherwise than the stored person: staff choose, in
# the preview, to keep the stored value or take the file's.
CHAMPS_COMPARES = ("sexe", "telephone", "email", "adresse")


@dataclass(frozen=True)
class Difference:
    ligne: int
    personne: Personne  # the stored one
    champ: str
    valeur: object  # the file's, as stored

    @property
    def nom(self) -> str:
        """Of the preview's choice."""
        return f"reprendre-{self.ligne}-{self.champ}"

    @property
    def titre(self) -> str:
        return _titre(Personne, self.champ)

    def _affichee(self, valeur) -> str:
        return valeur_affichee(Personne._meta.get_field(self.champ), valeur, {})

    @property
    def enregistree(self) -> str:
        return self._affichee(getattr(self.personne, self.champ))

    @property
    def du_fichier(self) -> str:
        return self._affichee(self.valeur)


def _comparable(valeur) -> str:
    return " ".join(str(valeur).split()).casefold()


def differences(ligne: int, lue: Personne, connue: Personne) -> list[Difference]:
    """The file's non-empty values that differ from the known person's."""
    return [
        Difference(ligne, connue, champ, getattr(lue, champ)) for champ in CHAMPS_COMPARES
        if getattr(lue, champ) and _comparable(getattr(lue, champ)) != _comparable(getattr(connue, champ))
    ]


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
    differences: list[Difference] = field(default_factory=list)
    # What the line says that is not imported (the line is, without it).
    avertissements: list[str] = field(default_factory=list)


@dataclass
class Analyse:
    nom_fichier: str
    lignes: list[LigneImport] = field(default_factory=list)
    erreurs: list[ErreurLigne] = field(default_factory=list)
    colonnes_ignorees: list[str] = field(default_factory=list)
    nb_lignes: int = 0
    # Names of the file that name no active prescripteur (one error each in `erreurs`), and
    # the prescripteurs staff may choose for them.
    prescripteurs_introuvables: list["PrescripteurIntrouvable"] = field(default_factory=list)
    prescripteurs_actifs: list[Prescripteur] = field(default_factory=list)

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
    def nb_lignes_en_erreur(self) -> int:
        """Lines refused (one may have several errors; an unknown prescripteur is one error
        for all its lines): with the created, present and ignored ones, every line read."""
        lignes = {erreur.ligne for erreur in self.erreurs}
        lignes.update(n for introuvable in self.prescripteurs_introuvables for n in introuvable.lignes)
        return len(lignes)

    @property
    def nb_ignorees(self) -> int:
        return sum(ligne.issue == Issue.IGNOREE for ligne in self.lignes)

    @property
    def differences(self) -> list[Difference]:
        return [difference for ligne in self.lignes for difference in ligne.differences]

    @property
    def avertissements(self) -> list[tuple[int, str]]:
        return [(ligne.numero, avertissement) for ligne in self.lignes
                for avertissement in ligne.avertissements]

    @property
    def colonnes_ignorees_texte(self) -> str:
        return (compte(len(self.colonnes_ignorees), "colonne du fichier non reconnue, ignorée "
                       "(non importée)", "colonnes du fichier non reconnues, ignorées (non importées)")
                + " : " + ", ".join(f"« {titre} »" for titre in self.colonnes_ignorees))

    @property
    def apercu(self) -> list[LigneImport]:
        return self.lignes[:APERCU_LIGNES]

    @property
    def erreurs_apercu(self) -> list[ErreurLigne]:
        return self.erreurs[:APERCU_ERREURS]

    def rapport(self) -> list[str]:
        """The same report as the preview page, as lines of text (the command prints it)."""
        texte = [
            f"Fichier « {self.nom_fichier} » : {compte(self.nb_lignes, 'ligne lue', 'lignes lues')}.",
            f"À créer : {compte(len(self.a_creer), 'orientation')} "
            f"({compte(self.nb_personnes_nouvelles, 'nouvelle personne', 'nouvelles personnes')}, "
            f"{compte(self.nb_personnes_reprises, 'personne déjà connue reprise',
                      'personnes déjà connues reprises')}).",
            f"Déjà présentes (non réimportées) : {self.nb_deja_importees}. "
            f"Ignorées : {self.nb_ignorees}.",
        ]
        texte += [
            f"Ligne {d.ligne} : {d.personne}, personne déjà connue : {d.titre.lower()} "
            f"« {d.du_fichier} » dans le fichier, « {d.enregistree} » enregistré (gardé)."
            for d in self.differences
        ]
        if self.colonnes_ignorees:
            texte.append(f"Attention : {self.colonnes_ignorees_texte}.")
        texte += [f"Ligne {ligne.numero} : {ligne.issue.label.lower()} — {ligne.motif}"
                  for ligne in self.lignes if ligne.motif]
        texte += [f"Ligne {numero} : {avertissement}" for numero, avertissement in self.avertissements]
        if self.erreurs:
            texte.append(f"{compte(len(self.erreurs), 'erreur')} sur "
                         f"{compte(self.nb_lignes_en_erreur, 'ligne')} : rien ne sera enregistré.")
            texte += [f"Ligne {e.ligne}, {e.colonne} : {e.message}" for e in self.erreurs]
        return texte


def _titre(modele: type[models.Model], champ: str) -> str:
    if champ == NON_FIELD_ERRORS:
        return LIGNE_ENTIERE
    if colonne := PAR_CHAMP.get((modele, champ)):
        return colonne.titre
    return str(modele._meta.get_field(champ).verbose_name).capitalize()


def cle_import(antenne: Antenne, personne: Personne, orientation: Orientation) -> str:
    """The same line imported again into the same antenne gives the same key."""
    nom, prenom, date_naissance = identite_de(personne)
    date_orientation, cadre, reference = orientation_comparable(orientation)
    cle = [str(antenne.pk), nom, prenom, date_naissance.isoformat(), date_orientation.isoformat(),
           cadre, reference]
    return "import:" + hashlib.sha256("\x1f".join(cle).encode()).hexdigest()


@dataclass
class PrescripteurIntrouvable:
    """A prescripteur name of the file that names no active prescripteur of the antenne,
    reported once for all its lines, with the names near it."""

    nom: str  # as first written in the file
    motif: str
    lignes: list[int] = field(default_factory=list)
    proches: list[Prescripteur] = field(default_factory=list)  # active, of the antenne
    proches_du_fichier: list[str] = field(default_factory=list)  # other unknown names

    @property
    def cle(self) -> str:
        """What staff's choice of a prescripteur for this name is kept under."""
        return normaliser(self.nom)

    def message(self) -> str:
        nombre = len(self.lignes)
        lignes = ", ".join(map(str, self.lignes[:LIGNES_CITEES])) + (
            ", …" if nombre > LIGNES_CITEES else "")
        texte = (f"{self.motif} : « {self.nom} », {nombre} ligne{'s' if nombre > 1 else ''} "
                 f"({lignes}). Créez-le, faites-le correspondre à un prescripteur existant "
                 "(aperçu de la page d'import) ou corrigez le nom dans le fichier.")
        if noms := [f"« {p} »" for p in self.proches] + [f"« {n} » (dans le fichier)"
                                                         for n in self.proches_du_fichier]:
            texte += f" Nom proche : {', '.join(noms)}."
        return texte


LIGNES_CITEES = 10
INCONNU, PRESQUE, DESACTIVE = (
    "Prescripteur inconnu", "Plusieurs prescripteurs ont presque ce nom", "Prescripteur désactivé",
)


class _Contexte:
    """What every line is checked against, read in one query for the whole file.

    `correspondances`: staff's choice of an existing prescripteur (id) for a name the file
    writes differently, by the normalised name (`PrescripteurIntrouvable.cle`)."""

    def __init__(self, antenne: Antenne, correspondances: dict[str, int] | None = None):
        self.antenne = antenne
        self.exacts, self.approches = {}, defaultdict(list)
        self.par_id = {prescripteur.pk: prescripteur for prescripteur in antenne.prescripteurs.all()}
        for prescripteur in self.par_id.values():
            self.exacts[prescripteur.nom] = prescripteur
            self.approches[normaliser(prescripteur.nom)].append(prescripteur)
        self.actifs = [p for p in self.par_id.values() if p.actif]
        self.correspondances = {
            cle: self.par_id[pk] for cle, pk in (correspondances or {}).items()
            if pk in self.par_id and self.par_id[pk].actif
        }
        self.introuvables: dict[str, PrescripteurIntrouvable] = {}
        self._messages: dict[str, str] = {}  # the one-line message -> its name's key

    def prescripteur(self, nom: str) -> Prescripteur:
        """By staff's choice for this name, its exact name, else its name with accents and
        case ignored; one merged into another gives the one kept."""
        cle = normaliser(nom)
        if cle in self.correspondances:
            return self.correspondances[cle]
        trouve = self.exacts.get(nom)
        if trouve is None:
            match self.approches.get(cle, []):
                case [trouve]:
                    pass
                case []:
                    raise self._introuvable(nom, INCONNU)
                case _:
                    raise self._introuvable(nom, PRESQUE)
        vus = set()
        while trouve.fusionne_dans_id and trouve.pk not in vus:
            vus.add(trouve.pk)
            trouve = self.par_id[trouve.fusionne_dans_id]
        if not trouve.actif:
            raise self._introuvable(nom, DESACTIVE)
        return trouve

    def _introuvable(self, nom: str, motif: str) -> ValeurInvalide:
        introuvable = self.introuvables.setdefault(normaliser(nom), PrescripteurIntrouvable(nom, motif))
        message = f"{motif} : « {nom} »."
        self._messages[message] = introuvable.cle
        return ValeurInvalide(message)

    def regrouper(self, analyse: "Analyse") -> None:
        """One error per unknown name, with its lines and the names near it, instead of one
        per line."""
        erreurs = []
        for erreur in analyse.erreurs:
            if (cle := self._messages.get(erreur.message)) is not None:  # '' for '\u200b'
                self.introuvables[cle].lignes.append(erreur.ligne)
            else:
                erreurs.append(erreur)
        for introuvable in self.introuvables.values():
            introuvable.proches = [p for p in self.actifs if p.est_proche_de(introuvable.nom)]
            introuvable.proches_du_fichier = [
                autre.nom for autre in self.introuvables.values()
                if autre is not introuvable and noms_proches(autre.nom, introuvable.nom)
            ]
            erreurs.append(ErreurLigne(
                introuvable.lignes[0], PAR_CHAMP[(Orientation, "prescripteur")].titre,
                introuvable.message(),
            ))
        analyse.erreurs = erreurs
        analyse.prescripteurs_introuvables = list(self.introuvables.values())
        analyse.prescripteurs_actifs = self.actifs


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
    # The foreign keys come from the database already (or are set when saving): no query.
    # An empty échéance is computed by the model's clean().
    a_exclure = {Personne: {"antenne"}, Orientation: {"antenne", "personne", "prescripteur"}}
    for objet in (personne, orientation):
        modele = type(objet)
        try:
            objet.full_clean(exclude=a_exclure[modele] | illisibles[modele])
        except ValidationError as erreur:
            for champ, liste in erreur.error_dict.items():
                if champ not in illisibles[modele]:
                    erreurs += [ErreurLigne(numero, _titre(modele, champ), _message(modele, champ, e))
                                for e in liste]
    return personne, orientation, erreurs


def _message(modele: type[models.Model], champ: str, erreur: ValidationError) -> str:
    """The model's message, but for an empty cell the line needs: « Date de naissance
    manquante » rather than Django's « Ce champ ne peut pas être nul »."""
    if erreur.code in ("null", "blank", "required") and (colonne := PAR_CHAMP.get((modele, champ))):
        return colonne.manquante
    return " ".join(erreur.messages)


def _avertissements(ligne: "LigneImport") -> None:
    """What the file says that is not imported, without refusing the line."""
    orientation = ligne.orientation
    if orientation.motif_urgence and not orientation.urgent:
        ligne.avertissements.append(
            f"motif de l'urgence « {orientation.motif_urgence} » ignoré : la ligne n'est pas "
            "urgente (colonne « Urgent »)."
        )
        orientation.motif_urgence = ""


def import_analyser(
    *, antenne: Antenne, contenu: bytes, nom_fichier: str,
    correspondances: dict[str, int] | None = None,
) -> Analyse:
    """Read and check every line; nothing is written. Raises FichierIllisible.
    `correspondances`: see `_Contexte`."""
    entetes, rangees = lire_tableau(
        contenu, nom_fichier,
        sans_lignes="Le fichier ne contient aucune orientation sous la ligne des titres.",
    )
    colonnes, ignorees = colonnes_du_fichier(entetes)
    analyse = Analyse(nom_fichier=nom_fichier, colonnes_ignorees=ignorees, nb_lignes=len(rangees))
    contexte = _Contexte(antenne, correspondances)
    for numero, rangee in rangees:
        personne, orientation, erreurs = _lire_ligne(numero, rangee, colonnes, contexte)
        analyse.erreurs += erreurs
        if not erreurs:
            ligne = LigneImport(numero, personne, orientation, cle_import(antenne, personne, orientation))
            _avertissements(ligne)
            analyse.lignes.append(ligne)
    contexte.regrouper(analyse)
    _rapprocher(antenne, analyse)
    return analyse


def _rapprocher(antenne: Antenne, analyse: Analyse) -> None:
    """Mark what exists already: lines imported before, the same orientation entered by
    hand, people already known (reused, never duplicated), a line repeated in the file."""
    connues = personnes_connues(antenne, [ligne.personne for ligne in analyse.lignes])
    cles_existantes = set(Orientation.objects.filter(
        cle_creation__in=[ligne.cle for ligne in analyse.lignes]
    ).values_list("cle_creation", flat=True))
    orientations_connues = orientations_comparables(connues.values())
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
        identite = identite_de(ligne.personne)
        orientation = ligne.orientation
        if identite in connues:
            ligne.differences = differences(ligne.numero, ligne.personne, connues[identite])
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
        elif (ligne.personne.pk, *orientation_comparable(orientation)) in orientations_connues:
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

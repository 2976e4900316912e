"""The attestation de stage (PDF) and its cover letter to a prescripteur without e-mail: pure
functions of a `ContenuAttestation` (what the attestation states, fixed at issue), returning
bytes. The content's SHA-256 (`empreinte`) is printed with the number so that a court clerk
can check the paper against the antenne's register: a PDF cannot print its own hash, which is
kept beside it (`Attestation.sha256`)."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, time

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from commun.documents import (
    LARGEUR_PAGE,
    MARGE_DROITE,
    MARGE_GAUCHE,
    EnTete,
    Signataire,
    construire_document,
    paragraphe,
)
from convocations.documents import NBSP, heure
from stages.dates import date_longue

# The stage's legal name (C. pén. art. 131-5-1, 131-3 6° and R131-51-1).
TITRE_LEGAL = ("Stage de responsabilisation pour la prévention et la lutte contre les violences "
               "au sein du couple et sexistes")
BASE_LEGALE = "Articles 131-5-1 et R131-51-1 du code pénal"
TITRE_PDF = "Attestation de stage"


@dataclass(frozen=True)
class SeanceSuivie:
    jour: date
    debut: time
    fin: time
    minutes: int  # of effective training (breaks deducted)
    module: str = ""


@dataclass(frozen=True)
class ContenuAttestation:
    """Everything an attestation states. Its `empreinte` is the SHA-256 of these values."""

    numero: str
    emise_le: date
    antenne: str
    antenne_adresse: tuple[str, ...]
    antenne_telephone: str
    antenne_email: str
    nom: str
    prenom: str
    date_naissance: date
    prescripteur: str
    cadre: str
    reference: str
    lieu: str
    seances: tuple[SeanceSuivie, ...]
    signataire: str
    qualite_signataire: str = ""
    remplace: str = ""  # the number of the attestation this one cancels
    motif_remplacement: str = ""
    minutes_totales: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "minutes_totales", sum(s.minutes for s in self.seances))

    @property
    def empreinte(self) -> str:
        valeurs = json.dumps(asdict(self), default=str, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(valeurs.encode()).hexdigest()


def duree(minutes: int) -> str:
    """'12 h', '5 h 30' (non-breaking spaces)."""
    heures, reste = divmod(minutes, 60)
    return f"{heures}{NBSP}h" + (f"{NBSP}{reste:02d}" if reste else "")


def _entete(contenu: ContenuAttestation) -> EnTete:
    return EnTete(nom=contenu.antenne, adresse=contenu.antenne_adresse,
                  telephone=f"Tél. {contenu.antenne_telephone}" if contenu.antenne_telephone else "",
                  courriel=contenu.antenne_email)


def _tableau_seances(contenu: ContenuAttestation) -> Table:
    largeur = LARGEUR_PAGE - MARGE_GAUCHE - MARGE_DROITE
    donnees = [[paragraphe("Séance", "intertitre"), paragraphe("Horaires", "intertitre"),
                paragraphe("Heures de formation", "intertitre")]]
    for seance in contenu.seances:
        jour = date_longue(seance.jour)
        donnees.append([
            paragraphe(jour[0].upper() + jour[1:] + (f" — {seance.module}" if seance.module else "")),
            paragraphe(f"de {heure(seance.debut)} à {heure(seance.fin)}"),
            paragraphe(duree(seance.minutes)),
        ])
    donnees.append([paragraphe("Total", "intertitre"), "", paragraphe(duree(contenu.minutes_totales),
                                                                      "intertitre")])
    tableau = Table(donnees, colWidths=[largeur * 0.5, largeur * 0.28, largeur * 0.22], repeatRows=1)
    tableau.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9edf2")),
    ]))
    return tableau


def elements(contenu: ContenuAttestation) -> list:
    qualite = f", {contenu.qualite_signataire}" if contenu.qualite_signataire else ""
    elements_ = [
        paragraphe(f"Attestation de stage n° {contenu.numero}", "titre"),
        paragraphe(TITRE_LEGAL, "objet"),
        paragraphe(BASE_LEGALE, "petit"),
        Spacer(1, 3 * mm),
        paragraphe(f"Je soussigné·e, {contenu.signataire}{qualite}, pour {contenu.antenne}, atteste que :"),
        paragraphe(f"Nom : {contenu.nom.upper()}"),
        paragraphe(f"Prénom : {contenu.prenom}"),
        paragraphe(f"Date de naissance : {date_longue(contenu.date_naissance)}"),
        Spacer(1, 2 * mm),
        paragraphe("a suivi l'intégralité du stage de responsabilisation, aux séances suivantes :"),
        _tableau_seances(contenu),
        Spacer(1, 3 * mm),
        paragraphe(f"Lieu du stage : {contenu.lieu}"),
        paragraphe(f"Prescripteur : {contenu.prescripteur or 'démarche volontaire'}"),
    ]
    if contenu.cadre:
        elements_.append(paragraphe(f"Cadre : {contenu.cadre}"))
    if contenu.reference:
        elements_.append(paragraphe(f"Référence du dossier : {contenu.reference}"))
    if contenu.remplace:
        elements_.append(paragraphe(
            f"Cette attestation annule et remplace l'attestation n° {contenu.remplace}"
            + (f" ({contenu.motif_remplacement})." if contenu.motif_remplacement else "."), "objet"))
    elements_ += [
        Spacer(1, 3 * mm),
        paragraphe(f"Attestation émise le {date_longue(contenu.emise_le)}, "
                   "pour servir et valoir ce que de droit."),
        Spacer(1, 4 * mm),
        paragraphe(f"Numéro : {contenu.numero}", "petit"),
        paragraphe(f"Empreinte SHA-256 : {contenu.empreinte}", "petit"),
        paragraphe("L'antenne vérifie sur demande le numéro et l'empreinte dans son registre des "
                   "attestations.", "petit"),
    ]
    return elements_


def signataire(contenu: ContenuAttestation) -> Signataire:
    return Signataire(contenu.signataire, contenu.qualite_signataire)


def attestation_pdf(contenu: ContenuAttestation) -> bytes:
    return construire_document(elements(contenu), entete=_entete(contenu), signataire=signataire(contenu),
                               titre=f"{TITRE_PDF} n° {contenu.numero}")


def lettre_accompagnement(contenu: ContenuAttestation, *, destinataire: list[str]) -> bytes:
    """The cover letter of an attestation posted to the prescripteur (no e-mail address)."""
    corps = [
        paragraphe(f"Le {date_longue(contenu.emise_le)}"),
        Spacer(1, 4 * mm),
        paragraphe(f"Objet : attestation de stage n° {contenu.numero}"
                   + (f" — dossier {contenu.reference}" if contenu.reference else ""), "objet"),
        paragraphe("Madame, Monsieur,"),
        paragraphe(f"Vous trouverez ci-joint l'attestation de stage de {contenu.prenom} "
                   f"{contenu.nom.upper()}, né·e le {date_longue(contenu.date_naissance)}, qui a suivi "
                   f"l'intégralité du stage de responsabilisation ({duree(contenu.minutes_totales)} de "
                   "formation) organisé par notre antenne."),
        paragraphe("Nous restons à votre disposition pour toute information complémentaire."),
        paragraphe("Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."),
    ]
    return construire_document(corps, entete=_entete(contenu), destinataire=destinataire,
                               signataire=signataire(contenu),
                               titre=f"Envoi de l'attestation n° {contenu.numero}")

"""The feuille d'émargement of a séance (PDF): the convoked people in name order, the séance's
date and hours, a signature box per person (the signature drawn on the tablet, with its time,
when there is one), and the marks already made. Pure: bytes out."""

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from commun.documents import LARGEUR_PAGE, MARGE_DROITE, MARGE_GAUCHE, EnTete, construire_document, paragraphe
from convocations.presences import Ligne
from convocations.signatures import DessinSignature
from stages.dates import date_longue
from stages.models import Seance

HAUTEUR_LIGNE = 16 * mm
HAUTEUR_SIGNATURE = 10 * mm


def _case_signature(ligne: Ligne, largeur: float):
    """The signature drawn on the tablet and its time; empty (to sign on paper) otherwise."""
    if not ligne.signature:
        return ""
    heure = timezone.localtime(ligne.presence.signee_le)
    return [DessinSignature(ligne.signature, largeur, HAUTEUR_SIGNATURE),
            paragraphe(f"Signé à {heure:%H:%M}", "petit")]


def feuille_emargement(*, seance: Seance, lignes: list[Ligne], animateurs: list[str]) -> bytes:
    stage = seance.stage
    antenne = stage.antenne
    titre = f"Feuille d'émargement — {date_longue(seance.date)}"
    contenu = [
        paragraphe(titre, "titre"),
        paragraphe(f"{stage} — séance de {seance.debut:%H:%M} à {seance.fin:%H:%M}"
                   + (f" — {seance.module}" if seance.module else "")),
        paragraphe(f"Lieu : {stage.lieu}"),
    ]
    if animateurs:
        contenu.append(paragraphe(f"Animation : {', '.join(animateurs)}"))
    contenu.append(Spacer(1, 4 * mm))
    largeur = LARGEUR_PAGE - MARGE_GAUCHE - MARGE_DROITE
    donnees = [[paragraphe("Nom", "intertitre"), paragraphe("Prénom", "intertitre"),
                paragraphe("Présence", "intertitre"), paragraphe("Signature", "intertitre")]]
    for ligne in lignes:
        personne = ligne.convocation.orientation.personne
        presence = ligne.presence.libelle if ligne.presence else ""
        if ligne.rattrapage:
            presence = f"{presence} (rattrapage)".strip()
        donnees.append([paragraphe(personne.nom.upper()), paragraphe(personne.prenom),
                        paragraphe(presence), _case_signature(ligne, largeur * 0.3 - 12)])
    tableau = Table(donnees, colWidths=[largeur * 0.27, largeur * 0.23, largeur * 0.2, largeur * 0.3],
                    rowHeights=[None] + [HAUTEUR_LIGNE] * len(lignes), repeatRows=1)
    tableau.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9edf2")),
    ]))
    contenu.append(tableau)
    if not lignes:
        contenu.append(paragraphe("Aucune personne convoquée à ce stage."))
    contenu += [Spacer(1, 6 * mm), paragraphe("Signature de l'animateur·rice :")]
    entete = EnTete(nom=antenne.nom, adresse=antenne.adresse.splitlines(), telephone=antenne.telephone,
                    courriel=antenne.email)
    return construire_document(contenu, entete=entete, titre=titre)

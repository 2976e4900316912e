"""The feuille d'émargement of a séance (PDF): the convoked people in name order, the séance's
date and hours, a signature box per person, and the marks already made. Pure: bytes out."""

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from commun.documents import LARGEUR_PAGE, MARGE_DROITE, MARGE_GAUCHE, EnTete, construire_document, paragraphe
from convocations.presences import Ligne
from stages.dates import date_longue
from stages.models import Seance

HAUTEUR_LIGNE = 14 * mm


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
        donnees.append([paragraphe(personne.nom.upper()), paragraphe(personne.prenom),
                        paragraphe(ligne.presence.libelle if ligne.presence else ""), ""])
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

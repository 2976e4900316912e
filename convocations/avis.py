"""The notices about an orientation (PDF): the warning to a person who missed their stage,
and the notices to the prescripteur (non-réalisation, demande d'accord, retour). Pure
functions of the rows they are given, returning bytes; each notice to a prescripteur says in
plain words what the law expects next (DOMAIN.md, « The law »).

The texts live here; `services.avis` prepares and sends them through the outbox.
"""

from datetime import date

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from commun.documents import Signataire, construire_document, paragraphe
from convocations.documents import entete_de, lignes_adresse_personne
from convocations.models import Avis, MotifNonRealisation, NatureAvis
from stages.dates import date_courte, date_longue
from stages.models import Cadre, Orientation, Prescripteur, Sexe

# What the law expects once the stage is not done, per cadre, in plain words.
SUITES = {
    Cadre.ALTERNATIVE: (
        "Le stage était une alternative aux poursuites (article 41-1 du code de procédure pénale). "
        "Faute d'exécution, il revient au procureur de la République de mettre en œuvre une "
        "composition pénale ou d'engager des poursuites."
    ),
    Cadre.COMPOSITION: (
        "Le stage était une mesure de composition pénale (article 41-2 du code de procédure pénale). "
        "Faute d'exécution, il revient au procureur de la République de décider des suites, "
        "notamment d'engager des poursuites."
    ),
    Cadre.PEINE: (
        "Le stage était une peine (article 131-5-1 du code pénal), à exécuter dans les six mois "
        "suivant la date à laquelle la condamnation est devenue définitive. Ne pas l'exécuter est "
        "puni par l'article 434-41 du code pénal (jusqu'à deux ans d'emprisonnement et 30 000 € "
        "d'amende) : il revient au parquet et au juge de l'application des peines d'en décider."
    ),
    Cadre.SURSIS: (
        "Le stage était une obligation du sursis probatoire (article 132-45 du code pénal) : il "
        "revient au juge de l'application des peines, informé par le SPIP, de décider des suites."
    ),
    Cadre.CONTROLE_JUDICIAIRE: (
        "Le stage était une obligation du contrôle judiciaire (article 138 du code de procédure "
        "pénale) : il revient au juge qui l'a ordonné de décider des suites."
    ),
    Cadre.CRPC: (
        "Le stage a été prononcé après une comparution sur reconnaissance préalable de culpabilité "
        "(article 495-8 du code de procédure pénale) : il revient au parquet de décider des suites."
    ),
    Cadre.JAF: (
        "Le stage a été proposé dans une ordonnance de protection (article 515-11 du code civil) : "
        "il revient au juge aux affaires familiales d'en tirer les conséquences."
    ),
}
SUITE_PAR_DEFAUT = "Il vous revient de décider des suites à donner."
DELAI = (
    "La loi fixe le délai : pour une peine, six mois à compter de la date à laquelle la "
    "condamnation est définitive (article 131-5-1 du code pénal) ; pour les autres mesures, le "
    "délai que vous avez fixé. Au-delà, l'antenne ne convoque plus la personne sans votre accord."
)

OBJETS = {
    NatureAvis.AVERTISSEMENT: "Objet : Absence au stage de responsabilisation — avertissement",
    NatureAvis.NON_REALISATION: "Objet : Avis de non-réalisation du stage de responsabilisation",
    NatureAvis.DEMANDE_ACCORD: "Objet : Demande d'accord pour prolonger le délai d'exécution du stage",
    NatureAvis.RETOUR: "Objet : Retour du dossier au prescripteur — stage non réalisé",
}
CONSTATS = {
    MotifNonRealisation.ABSENCES: "ne s'est pas présentée au stage auquel elle était convoquée",
    MotifNonRealisation.REFUS: "a fait savoir qu'elle refuse de suivre le stage",
    MotifNonRealisation.INJOIGNABLE: "n'a pas pu être jointe malgré nos appels et courriers",
    MotifNonRealisation.DEMENAGEMENT: "a quitté le secteur de l'antenne (déménagement)",
}


def suites(orientation: Orientation) -> str:
    return SUITES.get(orientation.cadre, SUITE_PAR_DEFAUT)


def lignes_adresse_prescripteur(prescripteur: Prescripteur) -> list[str]:
    """The prescripteur's name and address (AFNOR NF Z 10-011: at most 6 lines, the last one in
    capitals)."""
    lignes = [ligne.strip() for ligne in (prescripteur.adresse or "").splitlines() if ligne.strip()]
    if lignes:
        lignes[-1] = lignes[-1].upper()
    return [prescripteur.nom, *lignes][:6]


def _identite(orientation: Orientation) -> str:
    personne = orientation.personne
    ne = "née" if personne.sexe == Sexe.FEMME else "né"
    naissance = f", {ne} le {date_courte(personne.date_naissance)}" if personne.date_naissance else ""
    reference = f" (référence du dossier : {orientation.reference})" if orientation.reference else ""
    return (f"{personne.prenom} {personne.nom.upper()}{naissance}, orientée le "
            f"{date_courte(orientation.date_orientation)} au titre de : {orientation.get_cadre_display()}"
            f"{reference}")


def _absences(orientation: Orientation) -> str:
    if not orientation.nb_absences:
        return ""
    fois = "une fois" if orientation.nb_absences == 1 else f"{orientation.nb_absences} fois"
    return f"Elle a été absente {fois} à un stage auquel elle était convoquée."


def paragraphes(avis: Avis, aujourd_hui: date) -> list[str]:
    """The body of the notice, paragraph by paragraph (the e-mail repeats them)."""
    orientation = avis.orientation
    antenne = orientation.antenne
    if avis.nature == NatureAvis.AVERTISSEMENT:
        stage = avis.convocation.stage
        return [
            "Madame, Monsieur,",
            f"Vous étiez convoqué·e au stage de responsabilisation du {date_longue(stage.premier_jour)} "
            f"({stage.lieu}) et vous ne l'avez pas suivi en entier.",
            "Le stage vous a été demandé par l'autorité judiciaire : vous devez l'accomplir avant le "
            f"{date_longue(orientation.echeance)}. Vous restez inscrit·e sur notre liste d'attente, à "
            "votre rang d'origine, et vous recevrez une seconde convocation.",
            "Attention : une nouvelle absence sera signalée à votre prescripteur, qui décidera des "
            "suites (poursuites, composition pénale ou autre sanction selon votre situation).",
            f"Si vous ne pouvez pas venir à une date, prévenez-nous au plus tôt : "
            f"{antenne.telephone or antenne.email or antenne.nom}.",
            "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        ]
    textes = ["Madame, Monsieur,", f"Vous nous avez orienté : {_identite(orientation)}."]
    if avis.nature == NatureAvis.NON_REALISATION:
        textes.append(f"Nous vous informons que le stage n'a pas pu être réalisé : la personne "
                      f"{CONSTATS.get(avis.motif, "n'a pas suivi le stage")}.")
        textes += [t for t in (_absences(orientation), avis.precisions) if t]
        textes += [f"Ce qui est attendu maintenant : {suites(orientation)}",
                   "Dites-nous si vous souhaitez que nous la convoquions à nouveau ; sinon, nous vous "
                   "retournerons le dossier."]
    elif avis.nature == NatureAvis.DEMANDE_ACCORD:
        depassee = avis.echeance_actuelle < aujourd_hui
        etat = "est dépassé depuis le" if depassee else "expire le"
        textes += [
            f"Le délai d'exécution du stage {etat} {date_longue(avis.echeance_actuelle)}, et la personne "
            "n'a pas encore pu suivre de stage avant cette date.",
            *[t for t in (_absences(orientation), avis.precisions) if t],
            f"Nous vous demandons votre accord pour prolonger ce délai jusqu'au "
            f"{date_longue(avis.echeance_proposee)}, afin de la convoquer à l'un de nos prochains stages.",
            f"Ce qui est attendu maintenant : {DELAI} Répondez-nous par courriel ou par courrier ; sans "
            "accord, nous vous retournerons le dossier.",
        ]
    else:  # RETOUR
        textes.append("Nous vous retournons ce dossier : le stage n'a pas été réalisé"
                      + (f" ({avis.get_motif_display().lower()})" if avis.motif else "") + ".")
        textes += [t for t in (_absences(orientation), avis.precisions) if t]
        textes += [f"Ce qui est attendu maintenant : {suites(orientation)}",
                   "L'antenne clôt son suivi : la personne ne sera plus convoquée sans une nouvelle "
                   "orientation de votre part."]
    textes.append("Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.")
    return textes


def destinataire(avis: Avis) -> list[str]:
    orientation = avis.orientation
    if avis.nature == NatureAvis.AVERTISSEMENT:
        return lignes_adresse_personne(orientation.personne)
    return lignes_adresse_prescripteur(orientation.prescripteur)


def document_avis(avis: Avis, *, aujourd_hui: date | None = None) -> bytes:
    """The notice as a window-envelope letter (PDF bytes)."""
    antenne = avis.orientation.antenne
    aujourd_hui = aujourd_hui or timezone.localdate()
    contenu = [paragraphe(f"Le {date_longue(aujourd_hui)}"), paragraphe(OBJETS[avis.nature], "objet")]
    if avis.nature != NatureAvis.AVERTISSEMENT:
        contenu.append(paragraphe(f"Concerne : {_identite(avis.orientation)}", "petit"))
    contenu.append(Spacer(1, 2 * mm))
    contenu += [paragraphe(texte) for texte in paragraphes(avis, aujourd_hui)]
    signataire = Signataire(antenne.signataire, "Pour l'antenne") if antenne.signataire else None
    return construire_document(contenu, entete=entete_de(antenne), destinataire=destinataire(avis),
                               signataire=signataire, titre=avis.get_nature_display())

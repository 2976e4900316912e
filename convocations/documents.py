"""The convocation letter (PDF) and the calendar files (ICS) of a convocation and of a
stage: pure functions of the rows they are given, returning bytes.

The letter's paragraphs are the antenne's wording (`ModeleLettre`, defaults below) with
placeholders filled in from VARIABLES; every value is escaped before reportlab reads it.
"""

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from commun import calendrier
from commun.documents import Lettre, Signataire, construire_lettres, echapper, paragraphe, styles
from convocations.models import Convocation, ModeleLettre
from paiements.montants import montant
from paiements.selectors import Solde, solde_de, soldes_des_orientations
from stages.dates import date_longue
from stages.documents import entete_de
from stages.models import Antenne, Cadre, Orientation, Personne, Prescripteur, Seance, Sexe, Stage

OBJET = (
    "Objet : Convocation au stage de responsabilisation pour la prévention et la lutte contre "
    "les violences au sein du couple et sexistes"
)
TITRE_EVENEMENT = "Stage de responsabilisation"
NBSP = "\u00a0"

# The placeholders staff may write in the letter's paragraphs, with what they stand for.
VARIABLES = {
    "civilite": "Madame ou Monsieur",
    "prenom": "prénom de la personne",
    "nom": "nom de la personne",
    "premiere_seance": "date de la première séance (« lundi 14 décembre 2026 »)",
    "derniere_seance": "date de la dernière séance",
    "heure_debut": "heure de début de la première séance (« 9 h 30 »)",
    "lieu": "nom du lieu du stage",
    "prescripteur": "prescripteur de l'orientation",
    "reference": "référence du dossier",
    "tarif": "somme due pour le stage (« 200,00 € », tarif réduit compris)",
    "deja_paye": "montant déjà payé (« 50,00 € »)",
    "reste_a_payer": "reste à payer (« 150,00 € »)",
    "comment_payer": "comment payer (réglage des paiements de l'antenne)",
    "antenne": "nom de l'antenne",
    "telephone": "téléphone de l'antenne",
    "courriel": "e-mail de l'antenne",
}

TEXTES_PAR_DEFAUT = {
    "introduction": (
        "{civilite},\n"
        "À la suite de la décision de {prescripteur}, vous êtes convoqué·e au stage de "
        "responsabilisation organisé par {antenne}. Votre présence est obligatoire à chacune des "
        "séances suivantes :"
    ),
    "paiement": (
        "Le coût du stage, à votre charge, est de {tarif} (déjà payé : {deja_paye} ; reste à "
        "payer : {reste_a_payer}). Il se règle auprès de l'antenne avant le {premiere_seance}. "
        "{comment_payer} Si vos ressources sont faibles, signalez-le : le montant peut être adapté."
    ),
    "gratuit": "Ce stage est gratuit pour vous.",
    "a_apporter": "Présentez-vous avec une pièce d'identité (carte d'identité, passeport ou titre de séjour) "
    "et de quoi écrire.",
    "absence": (
        "Toute absence, même partielle, est signalée à {prescripteur}, qui décide des suites à "
        "donner (poursuites, composition pénale…). L'attestation de stage n'est remise qu'aux "
        "personnes présentes à toutes les séances."
    ),
    "report": (
        "Si vous ne pouvez vraiment pas venir (travail, santé…), demandez un report dès réception de "
        "ce courrier et avant le {premiere_seance}, par téléphone au {telephone} ou par e-mail "
        "à {courriel}, justificatif à l'appui."
    ),
    "contact": "Pour toute question, appelez le secrétariat de l'antenne au {telephone}.",
    "formule": "Veuillez agréer, {civilite}, l'expression de nos salutations distinguées.",
    "qualite_signataire": "Pour l'antenne",
}
CHAMPS_TEXTE = (
    "introduction",
    "paiement",
    "gratuit",
    "a_apporter",
    "absence",
    "report",
    "contact",
    "formule",
)


def variables_du_texte(texte: str) -> list[str]:
    """The placeholder names of `texte`; ValidationError (in French) if it is malformed."""
    try:
        return [
            nom for _litteral, nom, _format, _conversion in string.Formatter().parse(texte) if nom is not None
        ]
    except ValueError as erreur:
        raise ValidationError(
            "Accolade mal fermée : écrivez les variables entre accolades, par exemple {prenom} "
            "(pour une accolade seule, doublez-la : {{ ou })."
        ) from erreur


def verifier_texte(texte: str) -> None:
    """The letter form's validator: every placeholder must be one of VARIABLES."""
    inconnues = sorted({nom for nom in variables_du_texte(texte) if nom not in VARIABLES})
    if inconnues:
        liste = ", ".join(f"{{{nom}}}" for nom in inconnues)
        connues = ", ".join(f"{{{nom}}}" for nom in VARIABLES)
        raise ValidationError(f"Variable inconnue : {liste}. Variables possibles : {connues}.")


def modele_de(antenne: Antenne) -> ModeleLettre:
    """The antenne's wording, or the defaults (an unsaved row) if it has none yet."""
    try:
        return antenne.modele_lettre
    except ModeleLettre.DoesNotExist:
        return ModeleLettre(antenne=antenne, **TEXTES_PAR_DEFAUT)


# --- French formats -------------------------------------------------------------------


def heure(valeur: time) -> str:
    """'9 h', '9 h 30' (non-breaking spaces)."""
    return f"{valeur.hour}{NBSP}h" + (f"{NBSP}{valeur.minute:02d}" if valeur.minute else "")


def est_gratuit(solde: Solde) -> bool:
    return solde.gratuit or not solde.du


def horaire_seance(seance: Seance) -> str:
    texte = f"{date_longue(seance.date)} de {heure(seance.debut)} à {heure(seance.fin)}"
    return texte[0].upper() + texte[1:]


def lignes_adresse(convocation: Convocation) -> list[str]:
    """The recipient block (AFNOR NF Z 10-011): the name, then the address without blank
    lines, the last line (postcode and town) in capitals. Only the name and the address:
    nothing that tells a justice measure."""
    return lignes_adresse_personne(convocation.orientation.personne)


def lignes_adresse_personne(personne: Personne) -> list[str]:
    """`lignes_adresse` of a person (a warning letter has no convocation to start from)."""
    civilite = "Madame" if personne.sexe == Sexe.FEMME else "Monsieur"
    lignes = [ligne.strip() for ligne in (personne.adresse or "").splitlines() if ligne.strip()]
    if lignes:
        lignes[-1] = lignes[-1].upper()
    return [f"{civilite} {personne.prenom} {personne.nom.upper()}", *lignes][:6]


# --- The letter ------------------------------------------------------------------------


def valeurs(
    convocation: Convocation, seances: Sequence[Seance], solde: Solde | None = None
) -> dict[str, str]:
    orientation, stage = convocation.orientation, convocation.stage
    solde = solde or solde_de(orientation, stage)
    antenne, personne = stage.antenne, orientation.personne
    premiere, derniere = (seances[0], seances[-1]) if seances else (None, None)
    return {
        "civilite": "Madame" if personne.sexe == Sexe.FEMME else "Monsieur",
        "prenom": personne.prenom,
        "nom": personne.nom,
        "premiere_seance": date_longue(premiere.date) if premiere else "",
        "derniere_seance": date_longue(derniere.date) if derniere else "",
        "heure_debut": heure(premiere.debut) if premiere else "",
        "lieu": stage.lieu,
        "prescripteur": str(orientation.prescripteur.nom) if orientation.prescripteur else "l'antenne",
        "reference": orientation.reference or "—",
        "tarif": montant(solde.du),
        "deja_paye": montant(solde.paye),
        "reste_a_payer": montant(solde.reste),
        "comment_payer": solde.instructions,
        "antenne": antenne.nom,
        "telephone": antenne.telephone or "—",
        "courriel": antenne.email or "—",
    }


class _Valeurs(dict):
    def __missing__(self, cle):  # a placeholder saved before VARIABLES changed prints as typed
        return "{" + cle + "}"


def remplir(texte: str, valeurs_: dict[str, str]) -> str:
    """`texte` with its placeholders filled in, escaped for reportlab, line breaks kept."""
    remplaces = _Valeurs({cle: echapper(valeur) for cle, valeur in valeurs_.items()})
    return "<br/>".join(
        string.Formatter().vformat(echapper(ligne), (), remplaces)
        for ligne in texte.replace("\r\n", "\n").split("\n")
    )


def elements_lettre(
    convocation: Convocation, seances: Sequence[Seance], modele: ModeleLettre, aujourd_hui: date,
    solde: Solde | None = None,
) -> list:
    style = styles()
    stage, orientation = convocation.stage, convocation.orientation
    solde = solde or solde_de(orientation, stage)
    v = valeurs(convocation, seances, solde)
    elements = [
        Paragraph(f"Le {echapper(date_longue(aujourd_hui))}", style["normal"]),
        Paragraph(echapper(OBJET), style["objet"]),
    ]
    prescripteur = orientation.prescripteur.nom if orientation.prescripteur else "Démarche volontaire"
    reference = f" — référence du dossier : {orientation.reference}" if orientation.reference else ""
    elements.append(paragraphe(f"Prescripteur : {prescripteur}{reference}", "petit"))
    elements.append(Spacer(1, 2 * mm))
    elements.append(Paragraph(remplir(modele.introduction, v), style["normal"]))
    for seance in seances:
        module = f" — {seance.module}" if seance.module else ""
        elements.append(Paragraph(echapper(horaire_seance(seance) + module), style["liste"], bulletText="•"))
    lieu = [f"<b>Lieu :</b> {echapper(stage.lieu)}"]
    if stage.adresse_lieu:
        lieu.append(
            echapper(", ".join(ligne.strip() for ligne in stage.adresse_lieu.splitlines() if ligne.strip()))
        )
    elements.append(Spacer(1, 2 * mm))
    elements.append(Paragraph(" — ".join(lieu), style["normal"]))
    if stage.acces_lieu:
        elements.append(
            Paragraph("<b>Accès :</b> " + echapper(stage.acces_lieu, sauts_de_ligne=True), style["normal"])
        )
    paiement = modele.gratuit if est_gratuit(solde) else modele.paiement
    for texte in (paiement, modele.a_apporter, modele.absence, modele.report, modele.contact, modele.formule):
        if texte.strip():
            elements.append(Paragraph(remplir(texte, v), style["normal"]))
    return elements


def signataire_de(antenne: Antenne, modele: ModeleLettre) -> Signataire | None:
    if not antenne.signataire:
        return None
    return Signataire(antenne.signataire, modele.qualite_signataire)


def _lettre(
    convocation: Convocation, seances: Sequence[Seance], modele: ModeleLettre, aujourd_hui: date,
    solde: Solde | None = None,
) -> Lettre:
    antenne = convocation.stage.antenne
    return Lettre(
        elements_lettre(convocation, seances, modele, aujourd_hui, solde),
        entete=entete_de(antenne),
        destinataire=lignes_adresse(convocation),
        signataire=signataire_de(antenne, modele),
    )


TITRE_PDF = "Convocation au stage de responsabilisation"


def lettre_convocation(
    convocation: Convocation,
    *,
    seances: Sequence[Seance] | None = None,
    modele: ModeleLettre | None = None,
    aujourd_hui: date | None = None,
) -> bytes:
    """The letter of one convocation (PDF bytes)."""
    stage = convocation.stage
    seances = list(stage.seances.all()) if seances is None else list(seances)
    lettre = _lettre(
        convocation, seances, modele or modele_de(stage.antenne), aujourd_hui or timezone.localdate()
    )
    return construire_lettres([lettre], titre=TITRE_PDF, auteur=stage.antenne.nom)


def lettres_stage(
    convocations: Iterable[Convocation], *, stage: Stage, aujourd_hui: date | None = None
) -> bytes:
    """Several letters as one PDF for printing, built at once (fonts embedded once); the
    stage's séances and wording read once."""
    seances = list(stage.seances.all())
    modele = modele_de(stage.antenne)
    aujourd_hui = aujourd_hui or timezone.localdate()
    convocations = list(convocations)
    soldes = soldes_des_orientations([c.orientation for c in convocations], stage)
    return construire_lettres(
        [_lettre(c, seances, modele, aujourd_hui, soldes[c.orientation_id]) for c in convocations],
        titre=TITRE_PDF,
        auteur=stage.antenne.nom,
    )


# --- Calendar files --------------------------------------------------------------------


def _domaine() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "stages.invalid"


def uid_seance(convocation: Convocation, seance: Seance) -> str:
    """Stable across updates: the calendar replaces the event when SEQUENCE grows."""
    return f"convocation-{convocation.pk}-seance-{seance.pk}@{_domaine()}"


def _moment(jour: date, heure_: time) -> datetime:
    return datetime.combine(jour, heure_, tzinfo=calendrier.FUSEAU)


def _lieu(stage: Stage) -> str:
    adresse = ", ".join(ligne.strip() for ligne in stage.adresse_lieu.splitlines() if ligne.strip())
    return f"{stage.lieu}, {adresse}" if adresse else stage.lieu


@dataclass(frozen=True)
class Agenda:
    contenu: bytes
    nom_fichier: str = "convocation.ics"


def ics_convocation(
    convocation: Convocation,
    *,
    seances: Sequence[Seance] | None = None,
    annulation: bool = False,
    horodatage: datetime | None = None,
) -> bytes:
    """The convocation's séances as calendar events (METHOD:REQUEST), or their cancellation
    (METHOD:CANCEL) after a postponement or a cancellation."""
    stage = convocation.stage
    antenne = stage.antenne
    seances = list(stage.seances.all()) if seances is None else list(seances)
    description = (
        f"Convocation de {antenne.nom}. Présence obligatoire ; pièce d'identité. "
        f"Report ou question : {antenne.telephone or antenne.email or antenne.nom}."
    )
    if stage.acces_lieu:
        description += f"\nAccès : {stage.acces_lieu}"
    evenements = [
        calendrier.Evenement(
            uid=uid_seance(convocation, seance),
            debut=_moment(seance.date, seance.debut),
            fin=_moment(seance.date, seance.fin),
            titre=TITRE_EVENEMENT + (f" — {seance.module}" if seance.module else ""),
            lieu=_lieu(stage),
            description=description,
            sequence=convocation.sequence_ics,
            rappel=f"Demain : {TITRE_EVENEMENT.lower()} à {heure(seance.debut)}, {stage.lieu}",
            rappel_avant=timedelta(days=1),
        )
        for seance in seances
    ]
    personne = convocation.orientation.personne
    participants = (
        [calendrier.Personne(personne.email, f"{personne.prenom} {personne.nom}")] if personne.email else []
    )
    return calendrier.construire_calendrier(
        evenements,
        methode=calendrier.Methode.CANCEL if annulation else calendrier.Methode.REQUEST,
        organisateur=calendrier.Personne(antenne.email or settings.DEFAULT_FROM_EMAIL, antenne.nom),
        participants=participants,
        horodatage=horodatage,
    )


def ics_flux_stage(
    stage: Stage,
    *,
    prenoms_animateurs: Sequence[str] = (),
    convoques: int = 0,
    horodatage: datetime | None = None,
) -> bytes:
    """The stage's feed for its animateurs (METHOD:PUBLISH): no personal data but the
    animateurs' first names and a count."""
    description = f"Stage {stage.get_type_stage_display().lower()} — {stage.antenne.nom}."
    if prenoms_animateurs:
        description += f"\nAnimation : {', '.join(prenoms_animateurs)}."
    description += f"\nPersonnes convoquées : {convoques}."
    evenements = [
        calendrier.Evenement(
            uid=f"stage-{stage.pk}-seance-{seance.pk}@{_domaine()}",
            debut=_moment(seance.date, seance.debut),
            fin=_moment(seance.date, seance.fin),
            titre=TITRE_EVENEMENT + (f" — {seance.module}" if seance.module else ""),
            lieu=_lieu(stage),
            description=description,
            rappel=f"Demain : {TITRE_EVENEMENT.lower()}, {stage.lieu}",
        )
        for seance in stage.seances.all()
    ]
    return calendrier.construire_calendrier(
        evenements,
        methode=calendrier.Methode.PUBLISH,
        nom=f"{TITRE_EVENEMENT} — {stage.lieu}",
        horodatage=horodatage,
    )


def lettre_exemple(antenne: Antenne, modele: ModeleLettre) -> bytes:
    """A letter to a fictitious person on a fictitious stage, with the wording being edited."""
    stage = Stage(
        antenne=antenne,
        lieu="Salle des fêtes",
        adresse_lieu="1 place de la Mairie\n66000 Perpignan",
        acces_lieu="Bus 1, arrêt « Mairie »",
        places=12,
    )
    aujourd_hui = timezone.localdate()
    seances = [
        Seance(stage=stage, date=aujourd_hui + timedelta(days=jours), debut=time(9), fin=time(17))
        for jours in (21, 22)
    ]
    personne = Personne(
        antenne=antenne,
        nom="Exemple",
        prenom="Camille",
        sexe=Sexe.FEMME,
        adresse="10 rue de l'Exemple\n66000 Perpignan",
    )
    orientation = Orientation(
        antenne=antenne,
        personne=personne,
        cadre=Cadre.ALTERNATIVE,
        reference="EX-0001",
        prescripteur=Prescripteur(antenne=antenne, nom="Parquet (exemple)"),
    )
    convocation = Convocation(orientation=orientation, stage=stage)
    return lettre_convocation(convocation, seances=seances, modele=modele)

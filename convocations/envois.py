"""Sending convocations through the outbox (commun.envois): the letter and the calendar file
by e-mail, or the letter "à poster" in the stage's print batch; the updated calendar file
when séances move; the cancellation after a postponement.

Every message is an `Envoi` with an idempotency key: preparing twice (a double click, the
task run twice) finds the same row, and `commun.envois.envoyer` sends a row at most once.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from commun import calendrier
from commun.documents import TYPE_PDF
from commun.envois import envoyer
from commun.models import CanalEnvoi, Envoi, Fichier, PieceJointe, StatutEnvoi
from convocations import documents
from convocations.models import STATUTS_OUVERTS, Convocation, LotEnvoi
from stages.dates import date_longue
from stages.models import Stage, StatutStage
from stages.templatetags.affichage import compte

logger = logging.getLogger(__name__)

NATURE_CONVOCATION = "convocation"
NATURE_MISE_A_JOUR = "convocation-mise-a-jour"
NATURE_ANNULATION = "convocation-annulation"
NATURES = (NATURE_CONVOCATION, NATURE_MISE_A_JOUR, NATURE_ANNULATION)
TYPE_ICS = f"{calendrier.TYPE_MIME}; method=REQUEST"
TYPE_ICS_ANNULATION = f"{calendrier.TYPE_MIME}; method=CANCEL"


def convocations_ouvertes(stage: Stage) -> QuerySet[Convocation]:
    return (
        Convocation.objects.filter(stage=stage, statut__in=STATUTS_OUVERTS)
        .select_related("orientation__personne", "orientation__prescripteur", "stage__antenne")
        .order_by("orientation__personne__nom", "orientation__personne__prenom", "pk")
    )


def _corps(convocation: Convocation, seances, *, introduction: str) -> str:
    stage, personne = convocation.stage, convocation.orientation.personne
    antenne = stage.antenne
    lignes = [f"Bonjour {personne.prenom} {personne.nom},", "", introduction, ""]
    lignes += [f"- {documents.horaire_seance(s)}" for s in seances]
    lignes += ["", f"Lieu : {documents._lieu(stage)}"]
    if stage.acces_lieu:
        lignes.append(f"Accès : {stage.acces_lieu}")
    lignes += [
        "",
        "Vous trouverez en pièces jointes votre lettre de convocation (PDF) et les séances à ajouter "
        "à votre agenda (fichier .ics). Présentez-vous avec une pièce d'identité.",
        "",
        "Pour demander un report ou pour toute question : "
        f"{antenne.telephone or antenne.email or antenne.nom}.",
        "",
        "Cordialement,",
        antenne.signataire or antenne.nom,
        antenne.nom,
    ]
    return "\n".join(lignes)


def _fichiers(convocation: Convocation, seances, modele, *, annulation: bool = False) -> list[Fichier]:
    if annulation:
        return [
            Fichier(
                "annulation.ics",
                documents.ics_convocation(convocation, seances=seances, annulation=True),
                TYPE_ICS_ANNULATION,
            )
        ]
    return [
        Fichier(
            "convocation.pdf",
            documents.lettre_convocation(convocation, seances=seances, modele=modele),
            TYPE_PDF,
        ),
        Fichier("convocation.ics", documents.ics_convocation(convocation, seances=seances), TYPE_ICS),
    ]


def convocation_preparer(convocation: Convocation, *, seances=None, modele=None) -> tuple[Envoi, bool]:
    """The convocation's message, created once: an e-mail with the letter and the calendar
    file, or the letter to post when the person has no e-mail address."""
    stage = convocation.stage
    seances = list(stage.seances.all()) if seances is None else seances
    modele = modele or documents.modele_de(stage.antenne)
    email = convocation.orientation.personne.email
    cle = f"{NATURE_CONVOCATION}:{convocation.pk}"
    if Envoi.objects.filter(cle=cle).exists():  # rendering the PDF is the costly part
        return Envoi.objects.get(cle=cle), False
    premiere = date_longue(seances[0].date) if seances else ""
    if email:
        return Envoi.objects.preparer(
            cle=cle,
            nature=NATURE_CONVOCATION,
            destinataire=email,
            objet=convocation,
            sujet=f"Convocation au stage de responsabilisation du {premiere}",
            corps=_corps(
                convocation,
                seances,
                introduction=(
                    f"Vous êtes convoqué·e au stage de responsabilisation organisé par {stage.antenne.nom}, "
                    "aux séances suivantes (présence obligatoire à chacune) :"
                ),
            ),
            pieces_jointes=_fichiers(convocation, seances, modele),
        )
    return Envoi.objects.preparer(
        cle=cle,
        nature=NATURE_CONVOCATION,
        canal=CanalEnvoi.COURRIER,
        objet=convocation,
        sujet=f"Lettre de convocation du {premiere}",
        pieces_jointes=_fichiers(convocation, seances, modele)[:1],
    )


def lot_demander(*, stage: Stage, user, nature: str = LotEnvoi.Nature.CONVOCATIONS,
                 total: int | None = None) -> LotEnvoi:
    """ "Envoyer les convocations" (or the attestations, with their `total`): a batch for the
    worker, enqueued at commit. While one of this nature runs for the stage, asking again (a
    double click) returns it rather than a second one."""
    from convocations import tasks

    with transaction.atomic():
        Stage.objects.select_for_update().filter(pk=stage.pk).first()
        if en_cours := LotEnvoi.objects.filter(
            stage=stage, nature=nature, etat__in=[LotEnvoi.Etat.EN_ATTENTE, LotEnvoi.Etat.EN_COURS]
        ).first():
            return en_cours
        lot = LotEnvoi.objects.create(
            stage=stage, demande_par=user, nature=nature,
            total=convocations_ouvertes(stage).count() if total is None else total,
        )
        transaction.on_commit(lambda: tasks.lot_mettre_en_file(lot.pk))
    return lot


@transaction.atomic
def _stage_marquer_envoye(stage_id: int) -> None:
    """"Convocations envoyées", saved with its history line (who asked is the batch's user)."""
    stage = Stage.objects.select_for_update().get(pk=stage_id)
    if stage.statut == StatutStage.PLANIFIE:
        stage.statut = StatutStage.CONVOCATIONS_ENVOYEES
        stage._change_reason = "Convocations envoyées"
        stage.save(update_fields=["statut"])


def lot_finir(lot: LotEnvoi, etat: str, message: str, faits: int, courriels: int, a_poster: int,
               echecs: int) -> None:
    LotEnvoi.objects.filter(pk=lot.pk).update(
        etat=etat, fini_le=timezone.now(), message=message, faits=faits, courriels=courriels,
        a_poster=a_poster, echecs=echecs,
    )


def lot_executer(lot_id: int) -> LotEnvoi:
    """The worker's part: prepare each convocation's message and send the e-mails, saving
    the progress after each; the stage is then "convocations envoyées". Run twice, it sends
    nothing new. A failed e-mail stays in the outbox, retried by the periodic job."""
    lot = LotEnvoi.objects.select_related("stage__antenne").get(pk=lot_id)
    stage = lot.stage
    LotEnvoi.objects.filter(pk=lot.pk).update(etat=LotEnvoi.Etat.EN_COURS)
    convocations = list(convocations_ouvertes(stage))
    seances, modele = list(stage.seances.all()), documents.modele_de(stage.antenne)
    faits = courriels = a_poster = echecs = deja = 0
    try:
        for convocation in convocations:
            envoi, _cree = convocation_preparer(convocation, seances=seances, modele=modele)
            if envoi.canal == CanalEnvoi.COURRIER:
                a_poster += 1
            else:
                parti = envoyer(envoi.pk)
                envoi.refresh_from_db(fields=["statut"])
                courriels += parti
                deja += not parti and envoi.statut == StatutEnvoi.ENVOYE
                echecs += envoi.statut != StatutEnvoi.ENVOYE
            faits += 1
            LotEnvoi.objects.filter(pk=lot.pk).update(faits=faits)
    except Exception as erreur:  # the batch shows it; what was prepared stays in the outbox
        logger.exception("Lot d'envoi %s interrompu", lot.pk)
        message = f"Envoi interrompu : {erreur}. Relancez l'envoi : rien ne sera envoyé deux fois."
        lot_finir(lot, LotEnvoi.Etat.ECHOUE, message, faits, courriels, a_poster, echecs)
        raise
    _stage_marquer_envoye(stage.pk)
    message = (f"{compte(courriels, 'courriel envoyé', 'courriels envoyés')}, "
               f"{compte(a_poster, 'lettre à poster', 'lettres à poster')}")
    if deja:
        message += (f", {compte(deja, 'courriel déjà envoyé', 'courriels déjà envoyés')} "
                    "auparavant, pas renvoyé" + ("s" if deja > 1 else ""))
    if echecs:
        message += (f", {compte(echecs, 'courriel pas encore parti', 'courriels pas encore partis')} "
                    "(nouvel essai automatique)")
    lot_finir(lot, LotEnvoi.Etat.TERMINE, message + ".", faits, courriels, a_poster, echecs)
    lot.refresh_from_db()
    return lot


# --- What staff see on the stage page ----------------------------------------------------


@dataclass(frozen=True)
class BilanEnvois:
    envoyes: int
    a_envoyer: int
    echoues: int
    a_poster: int
    problemes: list  # Envoi rows with an error, with their convocation's person


def envois_du_stage(stage: Stage) -> QuerySet[Envoi]:
    # The content type by its natural key, joined: no query of its own (the page's budget).
    return Envoi.objects.filter(
        objet_type__app_label=Convocation._meta.app_label,
        objet_type__model=Convocation._meta.model_name,
        objet_id__in=Convocation.objects.filter(stage=stage).values("pk"),
        nature__in=NATURES,
    )


def bilan_envois(stage: Stage) -> BilanEnvois:
    envois = envois_du_stage(stage)
    comptes = envois.aggregate(
        envoyes=Count("pk", filter=Q(statut=StatutEnvoi.ENVOYE)),
        a_envoyer=Count("pk", filter=Q(statut=StatutEnvoi.A_ENVOYER)),
        echoues=Count("pk", filter=Q(statut=StatutEnvoi.ECHOUE)),
        a_poster=Count("pk", filter=Q(statut=StatutEnvoi.A_POSTER)),
    )
    # Only a message waiting for a new try or failed can carry an error to show.
    problemes = list(
        envois.exclude(erreur="").exclude(statut=StatutEnvoi.ENVOYE).order_by("statut", "destinataire")[:50]
    ) if comptes["a_envoyer"] or comptes["echoues"] else []
    ids = [e.objet_id for e in problemes]
    personnes = (
        {
            c.pk: c.orientation.personne
            for c in Convocation.objects.filter(pk__in=ids).select_related("orientation__personne")
        }
        if ids
        else {}
    )
    for envoi in problemes:
        envoi.personne = personnes.get(envoi.objet_id)
    return BilanEnvois(problemes=problemes, **comptes)


def lettres_a_poster(stage: Stage) -> bytes | None:
    """The print batch: the letters "à poster" of the stage, as sent (the stored bytes)."""
    from commun.documents import assembler

    pieces = (
        PieceJointe.objects.filter(
            envoi__in=envois_du_stage(stage).filter(canal=CanalEnvoi.COURRIER), type_mime=TYPE_PDF
        )
        .order_by("envoi__destinataire", "envoi__cree_le", "envoi_id")
        .values_list("contenu", flat=True)
    )
    contenus = [bytes(c) for c in pieces]
    return assembler(contenus) if contenus else None


# --- After the convocations are sent: séances moved, convocation closed -------------------


def destinataires_mise_a_jour(stage: Stage) -> list[Convocation]:
    """Who will receive an updated calendar file and e-mail if the séances change now (the
    séance edit screen says it before saving)."""
    if stage.statut != StatutStage.CONVOCATIONS_ENVOYEES:
        return []
    return list(convocations_ouvertes(stage))


@transaction.atomic
def convocations_mettre_a_jour(stage: Stage) -> list[Envoi]:
    """The séances of a stage whose convocations are sent have changed: each open
    convocation's SEQUENCE grows, and the new letter and calendar file go out (by e-mail, or
    to post), through the outbox at commit. Connected to `seances_modifiees`."""
    from convocations import tasks

    convocations = destinataires_mise_a_jour(stage)
    if not convocations:
        return []
    Convocation.objects.filter(pk__in=[c.pk for c in convocations]).update(sequence_ics=F("sequence_ics") + 1)
    seances, modele = list(stage.seances.all()), documents.modele_de(stage.antenne)
    envois = []
    for convocation in convocations:
        convocation.refresh_from_db(fields=["sequence_ics"])
        cle = f"{NATURE_MISE_A_JOUR}:{convocation.pk}:{convocation.sequence_ics}"
        email = convocation.orientation.personne.email
        fichiers = _fichiers(convocation, seances, modele)
        if email:
            envoi, _ = Envoi.objects.preparer(
                cle=cle,
                nature=NATURE_MISE_A_JOUR,
                destinataire=email,
                objet=convocation,
                sujet="Stage de responsabilisation : changement de vos séances",
                corps=_corps(
                    convocation,
                    seances,
                    introduction=(
                        "Les séances du stage auquel vous êtes convoqué·e ont changé. Voici les nouvelles "
                        "dates et heures, qui remplacent les précédentes :"
                    ),
                ),
                pieces_jointes=fichiers,
            )
        else:
            envoi, _ = Envoi.objects.preparer(
                cle=cle,
                nature=NATURE_MISE_A_JOUR,
                canal=CanalEnvoi.COURRIER,
                objet=convocation,
                sujet="Nouvelle lettre de convocation",
                pieces_jointes=fichiers[:1],
            )
        envois.append(envoi)
    a_envoyer = [e.pk for e in envois if e.canal == CanalEnvoi.COURRIEL]
    transaction.on_commit(lambda: tasks.envois_mettre_en_file(a_envoyer))
    return envois


@transaction.atomic
def annulation_envoyer(convocation: Convocation) -> Envoi | None:
    """A postponed or cancelled convocation: its séances are removed from the person's
    calendar (METHOD:CANCEL, SEQUENCE + 1), by e-mail, once. Nothing for a person without
    e-mail or a convocation never sent. Connected to `convocation_fermee`."""
    from convocations import tasks

    email = convocation.orientation.personne.email
    if not email or not Envoi.objects.filter(cle=f"{NATURE_CONVOCATION}:{convocation.pk}").exists():
        return None
    cle = f"{NATURE_ANNULATION}:{convocation.pk}"
    if deja := Envoi.objects.filter(cle=cle).first():
        return deja
    Convocation.objects.filter(pk=convocation.pk).update(sequence_ics=F("sequence_ics") + 1)
    convocation.refresh_from_db(fields=["sequence_ics"])
    stage = convocation.stage
    seances = list(stage.seances.all())
    personne = convocation.orientation.personne
    motif = "reportée" if convocation.statut == "reportee" else "annulée"
    envoi, cree = Envoi.objects.preparer(
        cle=cle,
        nature=NATURE_ANNULATION,
        destinataire=email,
        objet=convocation,
        sujet="Stage de responsabilisation : convocation " + motif,
        corps="\n".join(
            [
                f"Bonjour {personne.prenom} {personne.nom},",
                "",
                "Votre convocation au stage de responsabilisation du "
                f"{date_longue(seances[0].date) if seances else ''} est {motif} : ne vous présentez pas "
                "à ces séances. Le fichier joint les retire de votre agenda.",
                "Vous serez convoqué·e à nouveau à un prochain stage." if motif == "reportée" else "",
                "",
                "Pour toute question : "
                f"{stage.antenne.telephone or stage.antenne.email or stage.antenne.nom}.",
                "",
                "Cordialement,",
                stage.antenne.nom,
            ]
        ),
        pieces_jointes=_fichiers(convocation, seances, None, annulation=True),
    )
    if cree:
        transaction.on_commit(lambda: tasks.envois_mettre_en_file([envoi.pk]))
    return envoi


def sur_seances_modifiees(sender, *, stage: Stage, **kwargs) -> None:
    """Receiver of `stages.planning.seances_modifiees`."""
    convocations_mettre_a_jour(stage)


def sur_convocation_fermee(sender, *, convocation: Convocation, **kwargs) -> None:
    """Receiver of `convocations.services.reponses.convocation_fermee`."""
    annulation_envoyer(convocation)

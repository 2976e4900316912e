"""The notices about an orientation, prepared once and sent through the outbox: the warning to
a person who missed their stage and goes back on the list for a second convocation
(automatic, after the attendance resolved the convocation), and the notices staff send to the
prescripteur: non-réalisation, demande d'accord (recording the accord prolongs the échéance
through `stages.services.echeance_prolonger`, with its history), retour au prescripteur
(which closes the orientation through `stages.statuts.orientation_retourner`).

Each notice has an idempotency key (`Avis.cle`): a double click, two staff members at once or
a task run twice give one notice and one message. A prescripteur (or person) without e-mail
gets the letter "à poster".
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from commun.documents import TYPE_PDF
from commun.idempotence import creer_une_fois
from commun.models import CanalEnvoi, Envoi, Fichier
from convocations import avis as documents_avis
from convocations.models import Avis, Convocation, MotifNonRealisation, NatureAvis, StatutConvocation
from stages.dates import date_courte, date_longue
from stages.models import STATUTS_OUVERTS, Orientation, Statut
from stages.services import MOTIF_PROLONGATION_MAX, echeance_prolonger
from stages.statuts import STATUTS_RETOURNABLES, orientation_retourner

PRECISIONS_MAX = Avis._meta.get_field("precisions").max_length
ACCORD_MAX = Avis._meta.get_field("accord").max_length
NOMS_FICHIERS = {
    NatureAvis.AVERTISSEMENT: "avertissement.pdf",
    NatureAvis.NON_REALISATION: "avis-de-non-realisation.pdf",
    NatureAvis.DEMANDE_ACCORD: "demande-d-accord.pdf",
    NatureAvis.RETOUR: "retour-au-prescripteur.pdf",
}


def _sujet(avis: Avis) -> str:
    personne = avis.orientation.personne
    if avis.nature == NatureAvis.AVERTISSEMENT:
        return "Stage de responsabilisation : votre absence"
    reference = f" — réf. {avis.orientation.reference}" if avis.orientation.reference else ""
    return f"{avis.get_nature_display()} — {personne.prenom} {personne.nom.upper()}{reference}"


def _adresse(avis: Avis) -> str:
    orientation = avis.orientation
    if avis.nature == NatureAvis.AVERTISSEMENT:
        return orientation.personne.email
    return orientation.prescripteur.email


def _envoi(avis: Avis, aujourd_hui: date) -> Envoi:
    """The notice's message in the outbox: by e-mail with the PDF, or the PDF to post."""
    antenne = avis.orientation.antenne
    pdf = Fichier(NOMS_FICHIERS[avis.nature], documents_avis.document_avis(avis, aujourd_hui=aujourd_hui),
                  TYPE_PDF)
    adresse = _adresse(avis)
    if not adresse:
        envoi, _ = Envoi.objects.preparer(cle=f"avis:{avis.cle}", nature=f"avis-{avis.nature}",
                                          canal=CanalEnvoi.COURRIER, objet=avis, sujet=_sujet(avis),
                                          pieces_jointes=[pdf])
        return envoi
    corps = "\n\n".join([*documents_avis.paragraphes(avis, aujourd_hui),
                         f"Le courrier est joint (PDF).\n\n{antenne.signataire or antenne.nom}\n{antenne.nom}"
                         + (f"\n{antenne.telephone}" if antenne.telephone else "")])
    envoi, _ = Envoi.objects.preparer(cle=f"avis:{avis.cle}", nature=f"avis-{avis.nature}",
                                      destinataire=adresse, objet=avis, sujet=_sujet(avis), corps=corps,
                                      pieces_jointes=[pdf])
    return envoi


def _preparer(cle: str, *, orientation: Orientation, nature: str, par=None,
              aujourd_hui: date | None = None, apres=None, **champs) -> tuple[Avis, bool]:
    """(avis, created): the notice of this key, created once with its message; `apres(avis)`
    runs in the same transaction when it is created (a status change). The e-mail goes at
    commit, through the worker."""
    from convocations import tasks

    aujourd_hui = aujourd_hui or timezone.localdate()

    def creer() -> Avis:
        avis = Avis(cle=cle, orientation=orientation, antenne_id=orientation.antenne_id, nature=nature,
                    cree_par=par if getattr(par, "pk", None) else None, **champs)
        avis._change_reason = avis.get_nature_display()
        avis.save()
        if apres is not None:
            apres(avis)
        avis.envoi = _envoi(avis, aujourd_hui)
        avis.save(update_fields=["envoi"])
        if avis.envoi.canal == CanalEnvoi.COURRIEL:
            envoi_id = avis.envoi.pk
            transaction.on_commit(lambda: tasks.envois_mettre_en_file([envoi_id]))
        return avis

    return creer_une_fois(Avis, cle={"cle": cle}, creer=creer)


def _orientation(orientation: Orientation) -> Orientation:
    return Orientation.objects.select_related("antenne", "personne", "prescripteur").get(pk=orientation.pk)


def _verifier_prescripteur(orientation: Orientation) -> None:
    if orientation.prescripteur_id is None:
        raise ValidationError("Une démarche volontaire n'a pas de prescripteur à aviser.")


# --- The warning to a no-show ----------------------------------------------------------


def avertissement_envoyer(convocation_id: int) -> Avis | None:
    """The warning letter of a missed stage whose orientation went back on the waiting list
    for a second convocation (the antenne's policy); None otherwise (à retourner: the
    prescripteur is told by the retour). Once per convocation."""
    convocation = (Convocation.objects.select_related("stage", "orientation__antenne",
                                                      "orientation__personne", "orientation__prescripteur")
                   .get(pk=convocation_id))
    orientation = convocation.orientation
    if convocation.statut not in (StatutConvocation.ABSENTE, StatutConvocation.PARTIELLE):
        return None
    if orientation.statut != Statut.EN_ATTENTE:
        return None
    avis, _ = _preparer(f"avertissement:{convocation.pk}", orientation=orientation,
                        nature=NatureAvis.AVERTISSEMENT, convocation=convocation,
                        motif=MotifNonRealisation.ABSENCES)
    return avis


def sur_convocation_resolue(sender, *, convocation: Convocation, **kwargs) -> None:
    """Receiver of `services.presences.convocation_resolue` (after commit): the letter is
    rendered by the worker, not during the mark."""
    from convocations import tasks

    if convocation.statut in (StatutConvocation.ABSENTE, StatutConvocation.PARTIELLE):
        tasks.avertissement_mettre_en_file(convocation.pk)


# --- The notices to the prescripteur -----------------------------------------------------


@transaction.atomic
def non_realisation_envoyer(*, orientation: Orientation, motif: str, precisions: str = "",
                            par=None) -> tuple[Avis, bool]:
    """The avis de non-réalisation (absences, refusal, unreachable, moved): the orientation
    stays open; one per reason and number of absences."""
    orientation = _orientation(orientation)
    _verifier_prescripteur(orientation)
    if motif not in MotifNonRealisation.values:
        raise ValidationError({"motif": "Choisissez le motif dans la liste."})
    if orientation.statut not in STATUTS_OUVERTS:
        raise ValidationError(f"L'orientation est « {orientation.get_statut_display().lower()} » : "
                              "son suivi est fini, il n'y a plus d'avis à envoyer.")
    cle = f"non_realisation:{orientation.pk}:{motif}:{orientation.nb_absences}"
    return _preparer(cle, orientation=orientation, nature=NatureAvis.NON_REALISATION, par=par, motif=motif,
                     precisions=Truncator(precisions.strip()).chars(PRECISIONS_MAX))


def echeance_proposee(orientation: Orientation, aujourd_hui: date) -> date:
    """The date a demande d'accord proposes by default: the antenne's delay again from today
    (or from the échéance, if it is still ahead)."""
    from stages.dates import ajouter_mois

    return ajouter_mois(max(orientation.echeance, aujourd_hui), min(orientation.antenne.delai_mois, 3))


@transaction.atomic
def accord_demander(*, orientation: Orientation, nouvelle_echeance: date, precisions: str = "",
                    par=None, aujourd_hui: date | None = None) -> tuple[Avis, bool]:
    """The demande d'accord: the échéance will be or is passed; proposes `nouvelle_echeance`.
    One per échéance and date proposed; the orientation is listed « en attente d'un accord »
    until it is recorded (`accord_enregistrer`)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    orientation = _orientation(orientation)
    _verifier_prescripteur(orientation)
    if orientation.statut not in (Statut.EN_ATTENTE, Statut.CONVOQUEE):
        raise ValidationError(f"L'orientation est « {orientation.get_statut_display().lower()} » : "
                              "il n'y a pas d'accord à demander.")
    if nouvelle_echeance is None or nouvelle_echeance <= max(orientation.echeance, aujourd_hui):
        plancher = max(orientation.echeance, aujourd_hui)
        raise ValidationError({"nouvelle_echeance": (
            f"Proposez une date postérieure au {date_courte(plancher)} "
            f"({'aujourd’hui' if plancher == aujourd_hui else 'échéance actuelle'}).")})
    cle = f"demande_accord:{orientation.pk}:{orientation.echeance:%Y-%m-%d}:{nouvelle_echeance:%Y-%m-%d}"
    return _preparer(cle, orientation=orientation, nature=NatureAvis.DEMANDE_ACCORD, par=par,
                     aujourd_hui=aujourd_hui, echeance_actuelle=orientation.echeance,
                     echeance_proposee=nouvelle_echeance,
                     precisions=Truncator(precisions.strip()).chars(PRECISIONS_MAX))


@transaction.atomic
def accord_enregistrer(*, avis: Avis, accord: str, nouvelle_echeance: date | None = None,
                       recu_le: date | None = None, par=None) -> Avis:
    """The prescripteur's accord to a demande d'accord: the échéance is prolonged (to the date
    proposed, or the one the prescripteur gave) by `stages.services.echeance_prolonger`,
    which keeps the history. Recorded once."""
    avis = Avis.objects.select_for_update().select_related("orientation").get(pk=avis.pk)
    accord = accord.strip()
    if avis.nature != NatureAvis.DEMANDE_ACCORD:
        raise ValidationError("Seule une demande d'accord reçoit un accord.")
    if avis.accord_le is not None:
        raise ValidationError(f"L'accord est déjà enregistré (reçu le {date_courte(avis.accord_le)}) : "
                              "rien n'a été changé.")
    if not accord:
        raise ValidationError({"accord": "Indiquez qui a donné l'accord, et comment (courriel, appel…)."})
    recu_le = recu_le or timezone.localdate()
    if recu_le > timezone.localdate() or recu_le < timezone.localtime(avis.cree_le).date():
        raise ValidationError({"recu_le": "La date de l'accord va de l'envoi de la demande à aujourd'hui."})
    echeance = nouvelle_echeance or avis.echeance_proposee
    texte = Truncator(f"{accord} (accord du {date_courte(recu_le)})").chars(ACCORD_MAX)
    echeance_prolonger(orientation=avis.orientation, nouvelle_echeance=echeance, accord=texte,
                       motif=Truncator(f"accord du prescripteur du {date_courte(recu_le)}")
                       .chars(MOTIF_PROLONGATION_MAX))
    avis.accord_le, avis.accord = recu_le, texte
    avis._change_reason = f"Accord reçu : échéance au {date_courte(echeance)}"
    avis.save(update_fields=["accord_le", "accord"])
    return avis


@transaction.atomic
def retour_envoyer(*, orientation: Orientation, motif: str = "", precisions: str = "",
                   par=None) -> tuple[Avis, bool]:
    """The retour au prescripteur: the notice, and the orientation closed (« retournée au
    prescripteur »). Once per orientation."""
    orientation = _orientation(orientation)
    _verifier_prescripteur(orientation)
    if motif and motif not in MotifNonRealisation.values:
        raise ValidationError({"motif": "Choisissez le motif dans la liste."})
    cle = f"retour:{orientation.pk}"
    if deja := Avis.objects.filter(cle=cle).first():
        return deja, False
    if orientation.statut not in STATUTS_RETOURNABLES:
        orientation_retourner(orientation=orientation, motif="")  # raises the French refusal
    libelle = MotifNonRealisation(motif).label.lower() if motif else "stage non réalisé"

    def fermer(avis: Avis) -> None:
        orientation_retourner(orientation=orientation, motif=libelle)

    return _preparer(cle, orientation=orientation, nature=NatureAvis.RETOUR, par=par, motif=motif,
                     precisions=Truncator(precisions.strip()).chars(PRECISIONS_MAX), apres=fermer)


def texte_envoye(avis: Avis) -> str:
    """The message staff read after sending."""
    if avis.envoi and avis.envoi.canal == CanalEnvoi.COURRIER:
        return (f"{avis.get_nature_display()} préparé : pas d'adresse électronique, le courrier est "
                "à imprimer et à poster (liste « à poster » du tableau des échéances).")
    suite = {
        NatureAvis.DEMANDE_ACCORD: (f" L'orientation attend l'accord pour une échéance au "
                                    f"{date_longue(avis.echeance_proposee)}."),
        NatureAvis.RETOUR: " L'orientation est close : retournée au prescripteur.",
    }.get(avis.nature, "")
    return f"{avis.get_nature_display()} envoyé par courriel à {avis.envoi.destinataire}.{suite}"

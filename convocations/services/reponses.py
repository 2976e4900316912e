"""What a convoked person answers, as staff record it: confirmed, a report (postponement)
or the convocation cancelled. A report or a cancellation closes the convocation, frees its
place and puts the orientation back on the waiting list at its original rank."""

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator

from convocations.models import STATUTS_OUVERTS, Convocation, StatutConvocation
from convocations.services.proposition import prochain_stage
from stages.dates import date_courte
from stages.services import RAISON_MAX
from stages.statuts import orientation_remettre_en_attente

# Sent once the closing of a convocation (report or cancellation) is committed, with
# `convocation=`: the sending code connects to it to send the calendar cancellation.
convocation_fermee = django.dispatch.Signal()


def _verrouiller(convocation: Convocation, *, attendus) -> Convocation:
    fraiche = (Convocation.objects.select_for_update(of=("self",))
               .select_related("orientation__personne", "stage").get(pk=convocation.pk))
    if fraiche.statut not in attendus:
        raise ValidationError(
            f"Cette convocation est déjà « {fraiche.get_statut_display().lower()} » : rien n'a été changé."
        )
    return fraiche


def _enregistrer(convocation: Convocation, motif: str) -> None:
    convocation._change_reason = Truncator(motif).chars(RAISON_MAX)
    convocation.save()


def echeance_avant_prochain_stage(convocation: Convocation) -> bool:
    """The orientation's échéance passes before the antenne's next stage (after this one)
    ends: it can no longer be convoked in time without the prescripteur's accord."""
    suivant = prochain_stage(convocation.stage)
    return suivant is not None and convocation.orientation.echeance < suivant.dernier_jour


@transaction.atomic
def convocation_confirmer(*, convocation: Convocation) -> Convocation:
    convocation = _verrouiller(convocation, attendus=[StatutConvocation.CONVOQUEE])
    convocation.statut = StatutConvocation.CONFIRMEE
    _enregistrer(convocation, "Présence confirmée")
    return convocation


def _fermer(convocation: Convocation, *, statut: StatutConvocation, motif: str, report: bool) -> Convocation:
    motif = motif.strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif."})
    convocation = _verrouiller(convocation, attendus=STATUTS_OUVERTS)
    convocation.statut = statut
    convocation.motif = Truncator(motif).chars(Convocation._meta.get_field("motif").max_length)
    libelle = "Report" if report else "Annulation"
    texte = f"{libelle} : {motif}"
    if report and echeance_avant_prochain_stage(convocation):
        convocation.accord_a_demander = True
        texte = f"{libelle} (accord à demander) : {motif}"
    _enregistrer(convocation, texte)
    orientation_remettre_en_attente(
        orientation=convocation.orientation, report=report,
        motif=f"{libelle} de la convocation au {convocation.stage} : {motif}",
    )
    transaction.on_commit(lambda: convocation_fermee.send(sender=Convocation, convocation=convocation))
    return convocation


@transaction.atomic
def convocation_reporter(*, convocation: Convocation, motif: str) -> Convocation:
    """Report: the orientation back at its rank with one report more; "accord à demander"
    when its échéance passes before the antenne's next stage."""
    return _fermer(convocation, statut=StatutConvocation.REPORTEE, motif=motif, report=True)


@transaction.atomic
def convocation_annuler(*, convocation: Convocation, motif: str) -> Convocation:
    return _fermer(convocation, statut=StatutConvocation.ANNULEE, motif=motif, report=False)


def texte_accord(convocation: Convocation) -> str:
    """The line staff read where the flag shows."""
    return (f"Accord à demander : l'échéance du {date_courte(convocation.orientation.echeance)} "
            "passe avant le prochain stage de l'antenne.")


@transaction.atomic
def convocations_du_stage_annuler(*, stage) -> int:
    """A cancelled stage: each of its open convocations is cancelled with the stage's reason
    (the orientation back on the list at its rank, the calendar cancellation sent)."""
    ouvertes = list(Convocation.objects.filter(stage=stage, statut__in=STATUTS_OUVERTS))
    for convocation in ouvertes:
        convocation_annuler(convocation=convocation, motif=f"Stage annulé : {stage.motif_annulation}")
    return len(ouvertes)


def sur_stage_annule(sender, *, stage, **kwargs) -> None:
    """Receiver of `stages.planning.stage_annule`."""
    convocations_du_stage_annuler(stage=stage)

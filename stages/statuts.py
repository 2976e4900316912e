"""The status changes an orientation goes through as stages are run: the only way the apps
above `stages` (convocations, later attendance) move an orientation, never by setting
`statut` themselves. Each locks the row and keeps the history with its reason; the counts of
reports and absences are kept in step here alone."""

from django.core.exceptions import ValidationError
from django.db import transaction

from stages.models import Orientation, Statut
from stages.services import enregistrer_avec_motif


def _verrouiller(orientation: Orientation, *, attendu: Statut) -> Orientation:
    fraiche = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if fraiche.statut != attendu:
        raise ValidationError(
            f"{fraiche.personne} : l'orientation est « {fraiche.get_statut_display().lower()} », "
            f"pas « {attendu.label.lower()} »."
        )
    return fraiche


@transaction.atomic
def orientation_convoquer(*, orientation: Orientation, motif: str) -> Orientation:
    """En attente -> convoquée (`motif` names the stage, and why out of rank if so)."""
    orientation = _verrouiller(orientation, attendu=Statut.EN_ATTENTE)
    orientation.statut = Statut.CONVOQUEE
    enregistrer_avec_motif(orientation, motif)
    return orientation


@transaction.atomic
def orientation_remettre_en_attente(
    *, orientation: Orientation, motif: str, report: bool = False, absence: bool = False,
) -> Orientation:
    """Convoquée -> en attente, at its original rank (the date d'orientation is untouched):
    a postponement counts one report more, a missed stage one absence more; a cancelled
    convocation counts neither."""
    orientation = _verrouiller(orientation, attendu=Statut.CONVOQUEE)
    orientation.statut = Statut.EN_ATTENTE
    orientation.nb_reports += int(report)
    orientation.nb_absences += int(absence)
    enregistrer_avec_motif(orientation, motif)
    return orientation


@transaction.atomic
def orientation_stage_effectue(*, orientation: Orientation, motif: str) -> Orientation:
    """Convoquée -> stage effectué: every séance attended (the attestation comes next)."""
    orientation = _verrouiller(orientation, attendu=Statut.CONVOQUEE)
    orientation.statut = Statut.STAGE_EFFECTUE
    enregistrer_avec_motif(orientation, motif)
    return orientation


@transaction.atomic
def orientation_a_retourner(*, orientation: Orientation, motif: str) -> Orientation:
    """Convoquée -> à retourner au prescripteur after a missed stage (one absence more),
    when the antenne's policy gives no further convocation."""
    orientation = _verrouiller(orientation, attendu=Statut.CONVOQUEE)
    orientation.statut = Statut.A_RETOURNER
    orientation.nb_absences += 1
    enregistrer_avec_motif(orientation, motif)
    return orientation


@transaction.atomic
def orientation_terminer(*, orientation: Orientation, motif: str) -> Orientation:
    """Stage effectué -> terminée: the attestation has gone to the prescripteur (or, for a
    démarche volontaire, to the person). Already terminée: nothing changes (a corrected
    attestation sent again, a task run twice)."""
    fraiche = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if fraiche.statut == Statut.TERMINEE:
        return fraiche
    orientation = _verrouiller(fraiche, attendu=Statut.STAGE_EFFECTUE)
    orientation.statut = Statut.TERMINEE
    enregistrer_avec_motif(orientation, motif)
    return orientation
# Where a retour au prescripteur may close an orientation from (not while convoked: the
# convocation is cancelled first).
STATUTS_RETOURNABLES = [Statut.EN_ATTENTE, Statut.A_RETOURNER]


@transaction.atomic
def orientation_retourner(*, orientation: Orientation, motif: str) -> Orientation:
    """En attente or à retourner -> retournée au prescripteur: the notice is sent, the antenne's
    follow-up ends (the prescripteur decides what comes next)."""
    fraiche = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if fraiche.statut not in STATUTS_RETOURNABLES:
        raise ValidationError(
            f"{fraiche.personne} : l'orientation est « {fraiche.get_statut_display().lower()} » : "
            "elle ne peut pas être retournée au prescripteur"
            + (" (annulez d'abord sa convocation)." if fraiche.statut == Statut.CONVOQUEE else ".")
        )
    fraiche.statut = Statut.RETOURNEE
    fraiche.motif_sortie = motif[:Orientation._meta.get_field("motif_sortie").max_length]
    enregistrer_avec_motif(fraiche, f"Retournée au prescripteur : {motif}")
    return fraiche

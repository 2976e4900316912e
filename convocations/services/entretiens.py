"""The entretien préalable: staff call (or meet) each convoked person before the stage; and the
entretien bilan after it, where the antenne runs one."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from convocations.models import STATUTS_RESOLUS, Convocation, Entretien, ModeEntretien, NatureEntretien
from stages.services import enregistrer_avec_motif


@transaction.atomic
def entretien_enregistrer(*, convocation: Convocation, date_entretien: date, mode: ModeEntretien,
                          joint: bool, note: str = "", par=None) -> Entretien:
    convocation = Convocation.objects.select_for_update().get(pk=convocation.pk)
    if not convocation.est_ouverte:
        raise ValidationError(
            f"Cette convocation est « {convocation.get_statut_display().lower()} » : "
            "l'entretien préalable n'a plus lieu d'être."
        )
    entretien = Entretien(convocation=convocation, date=date_entretien, mode=mode, joint=joint,
                          note=note.strip(), fait_par=par)
    enregistrer_avec_motif(entretien, "Entretien préalable" + (" (jointe)" if joint else " (non jointe)"))
    return entretien


@transaction.atomic
def entretien_bilan_enregistrer(*, convocation: Convocation, date_entretien: date, mode: ModeEntretien,
                                note: str = "", par=None, aujourd_hui: date | None = None) -> Entretien:
    """The entretien bilan after the stage, where the antenne runs one (its attestations'
    setting): on or after the stage's last day, never in the future."""
    from convocations.services.attestations import reglage_de

    convocation = Convocation.objects.select_for_update(of=("self",)).select_related("stage__antenne").get(
        pk=convocation.pk)
    stage = convocation.stage
    if not reglage_de(stage.antenne).entretien_bilan:
        raise ValidationError(
            "Cette antenne ne fait pas d'entretien bilan (voir le réglage des attestations).")
    if convocation.statut not in STATUTS_RESOLUS:
        raise ValidationError("L'entretien bilan suit le stage : les présences de cette personne ne sont "
                              "pas encore toutes marquées.")
    if stage.dernier_jour and date_entretien < stage.dernier_jour:
        raise ValidationError({"date": "L'entretien bilan a lieu après le stage : le "
                                       f"{stage.dernier_jour:%d/%m/%Y} ou plus tard."})
    if date_entretien > (aujourd_hui or timezone.localdate()):
        raise ValidationError({"date": "L'entretien ne peut pas être daté d'un jour à venir."})
    entretien = Entretien(convocation=convocation, nature=NatureEntretien.BILAN, date=date_entretien,
                          mode=mode, joint=True, note=note.strip(), fait_par=par)
    enregistrer_avec_motif(entretien, "Entretien bilan")
    return entretien


def entretiens_bilan(convocation: Convocation) -> list[Entretien]:
    return list(convocation.entretiens.filter(nature=NatureEntretien.BILAN).select_related("fait_par"))

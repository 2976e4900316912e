"""The entretien préalable: staff call (or meet) each convoked person before the stage."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from convocations.models import Convocation, Entretien, ModeEntretien
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

"""The demo's convocations: on the stages the `stages` demo planned (`charger`, which
`manage.py donnees_demo` calls after it), convocations in every state, with entretiens préalables."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from convocations.models import Convocation, ModeEntretien
from convocations.services.entretiens import entretien_enregistrer
from convocations.services.proposition import eligibles
from convocations.services.reponses import convocation_annuler, convocation_confirmer, convocation_reporter
from stages.models import Stage
from stages.statuts import orientation_convoquer
from stages.templatetags.affichage import compte

MOTIFS_REPORT = ["Hospitalisation prévue ces jours-là", "Contrat de travail en déplacement"]


def _etat(convocation: Convocation, rang: int, jour: date) -> None:
    """Every state in turn: convoquée, confirmée, confirmée après un entretien, non jointe,
    reportée, annulée."""
    etape = rang % 6
    if etape in (2, 3):
        entretien_enregistrer(convocation=convocation, date_entretien=jour, mode=ModeEntretien.TELEPHONE,
                              joint=etape == 2, note="" if etape == 2 else "Messagerie, rappeler")
    if etape in (1, 2):
        convocation_confirmer(convocation=convocation)
    elif etape == 4:
        convocation_reporter(convocation=convocation, motif=MOTIFS_REPORT[rang % 2])
    elif etape == 5:
        convocation_annuler(convocation=convocation, motif="Déménagement hors du département")


@transaction.atomic
def convocations_demo(*, stages: list[Stage], aujourd_hui: date) -> int:
    """Convoke each stage's capacity from its antenne's waiting list (a stage already holding
    convocations is left as it is); the number of convocations created."""
    creees = 0
    for stage in stages:
        if (stage.dernier_jour is None or not stage.est_convocable
                or Convocation.objects.filter(stage=stage).exists()):
            continue
        jour = min(aujourd_hui, stage.premier_jour - timedelta(days=3))
        for rang, orientation in enumerate(eligibles(stage).select_related("personne")[:stage.capacite]):
            orientation_convoquer(orientation=orientation, motif=f"Convoquée au {stage}")
            convocation = Convocation(orientation=orientation, stage=stage)
            convocation._change_reason = "Convocation"
            convocation.save()
            _etat(convocation, rang, jour)
            creees += 1
    return creees


def charger() -> str:
    """Called by `manage.py donnees_demo` after the `stages` demo: the next stage of each
    antenne and kind is convoked; the later ones are left for staff to try the proposal."""
    stages, vus = [], set()
    for stage in Stage.objects.select_related("antenne").order_by("premier_jour", "id"):
        if stage.est_convocable and (stage.antenne_id, stage.type_stage) not in vus:
            vus.add((stage.antenne_id, stage.type_stage))
            stages.append(stage)
    nombre = convocations_demo(stages=stages, aujourd_hui=timezone.localdate())
    return f"{compte(nombre, 'convocation')} sur {compte(len(stages), 'stage')}"

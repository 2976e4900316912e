"""The section this app adds to the stage page (`commun.encarts`)."""

from django.http import HttpRequest

from questionnaires.models import Reponse
from stages.models import Stage


def contexte_stage(request: HttpRequest, stage: Stage) -> dict:
    """How many answers the stage has, with the links to its kiosk and results. One query."""
    return {"stage": stage, "nb_reponses": Reponse.objects.filter(stage=stage).count()}

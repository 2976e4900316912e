"""How the convocations views find their objects: within the antenne in force only (another
antenne's stage or convocation is a 404, as for the waiting list), and where they go back to."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from convocations.models import Convocation
from paiements.selectors import avec_tarif_antenne
from stages import access
from stages.models import Stage


def stage_ou_404(request, stage_id: int) -> Stage:
    """`stages.access.stage_ou_404`, with the antenne the letters and messages need, and its
    fee (paiements: the proposal and the letters show what each person owes)."""
    return access.stage_ou_404(request, stage_id, avec_tarif_antenne(Stage.objects.select_related("antenne")))


def convocation_ou_404(request, convocation_id: int) -> Convocation:
    antenne = request.acces.antenne
    convocations = Convocation.objects.select_related(
        "orientation__personne", "orientation__prescripteur", "stage__antenne")
    convocations = convocations.filter(stage__antenne=antenne) if antenne else convocations.none()
    return get_object_or_404(convocations, pk=convocation_id)


def page_du_stage(stage: Stage) -> str:
    return reverse("stages:stage", args=[stage.pk])


def rediriger(request, url: str):
    """After a successful POST: a full page load, for htmx too, where the message shows."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)

"""Émargement on a tablet: the séances of the day, a séance's page (one tap marks a person,
saved at once; the list refreshes itself so the other animateur and the office see the marks)
and its feuille d'émargement PDF. An animateur sees only the stages they run, the office all
of its antenne (`stages.access.stages_visibles`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from commun.htmx import rendre, veut_un_fragment
from convocations.feuille import feuille_emargement
from convocations.forms import MarqueForm
from convocations.models import StatutPresence
from convocations.presences import convocations_listees, lignes_de_la_seance, seance_ou_404, seances_du_jour
from convocations.services.presences import presence_marquer, refus_de_marquer
from stages.access import Droit, droit_requis, meme_antenne
from stages.models import Seance, StatutStage

GABARIT = "convocations/seance.html"


@droit_requis(Droit.STAGES)
def seances_du_jour_vue(request):
    aujourd_hui = timezone.localdate()
    return rendre(request, "convocations/seances_du_jour.html", {
        "seances": seances_du_jour(request, aujourd_hui), "aujourd_hui": aujourd_hui,
    })


def _contexte(seance: Seance, *, erreur: str = "") -> dict:
    stage = seance.stage
    lignes = lignes_de_la_seance(seance)
    return {
        "seance": seance, "stage": stage, "lignes": lignes,
        "refus": refus_de_marquer(stage, seance, timezone.now()),
        "stage_clos": stage.statut == StatutStage.CLOS,
        "statuts": StatutPresence.choices,
        "nb_marques": sum(ligne.presence is not None for ligne in lignes),
        "erreur": erreur,
    }


@droit_requis(Droit.STAGES)
def seance_vue(request, seance_id: int):
    """The page, or (htmx, every few seconds) its list of people only."""
    seance = seance_ou_404(request, seance_id)
    return rendre(request, GABARIT, _contexte(seance), fragment="liste")


@droit_requis(Droit.STAGES)
@meme_antenne
def seance_marquer(request, seance_id: int):
    """POST one mark. htmx: the list comes back with the mark (or the refusal above it);
    without JS: back to the page, the message at its top. GET: the page."""
    seance = seance_ou_404(request, seance_id)
    page = reverse("convocations:seance", args=[seance.pk])
    if request.method != "POST":
        return redirect(page)
    form = MarqueForm(request.POST)
    erreur = ""
    if not form.is_valid():
        erreur = " ".join(e for erreurs in form.errors.values() for e in erreurs)
    else:
        convocation = convocations_listees(seance.stage).filter(pk=form.cleaned_data["convocation"]).first()
        if convocation is None:
            raise Http404("Cette personne n'est pas convoquée à ce stage.")
        try:
            presence = presence_marquer(
                seance=seance, convocation=convocation, statut=form.cleaned_data["statut"],
                minutes=form.cleaned_data["minutes"], motif=form.cleaned_data["motif"], par=request.user,
            )
        except ValidationError as refus:
            erreur = " ".join(refus.messages)
        else:
            if not veut_un_fragment(request):
                messages.success(request, f"{convocation.orientation.personne} : {presence.libelle.lower()}.")
    if not veut_un_fragment(request):
        if erreur:
            messages.error(request, erreur)
        return redirect(page)
    return rendre(request, GABARIT, _contexte(seance, erreur=erreur), fragment="liste")


@droit_requis(Droit.STAGES)
def seance_feuille(request, seance_id: int):
    seance = seance_ou_404(request, seance_id)
    animateurs = [m.user.get_full_name() or m.user.username
                  for m in seance.stage.animateurs.select_related("user").order_by("user__last_name")]
    pdf = feuille_emargement(seance=seance, lignes=lignes_de_la_seance(seance), animateurs=animateurs)
    reponse = HttpResponse(pdf, content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="emargement-{seance.date:%Y-%m-%d}-{seance.pk}.pdf"'
    return reponse

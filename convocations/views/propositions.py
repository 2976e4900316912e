"""The proposal page of a stage: whom to convoke, in waiting-list order, then the confirmation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from commun.htmx import rendre
from convocations.encart import contexte_encart
from convocations.forms import PropositionForm
from convocations.models import Convocation
from convocations.services.proposition import convocations_creer, proposer_convocations
from convocations.views.acces import page_du_stage, rediriger, stage_ou_404
from paiements.selectors import solde_annote
from stages.access import Droit, droit_requis, meme_antenne
from stages.templatetags.affichage import compte

GABARIT = "convocations/proposition.html"
DEJA_ENREGISTREES = "Ces convocations étaient déjà enregistrées : rien n'a été créé une seconde fois."


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def proposition(request, stage_id: int):
    stage = stage_ou_404(request, stage_id)
    aujourd_hui = timezone.localdate()
    contexte = contexte_encart(request, stage) | {"retour_stage": page_du_stage(stage)}
    cle = PropositionForm.cle_envoyee(request.POST) if request.method == "POST" else ""
    if cle and Convocation.objects.filter(stage=stage, cle_lot=cle).exists():
        messages.info(request, DEJA_ENREGISTREES)
        return rediriger(request, page_du_stage(stage))
    try:
        proposition = proposer_convocations(stage=stage, aujourd_hui=aujourd_hui)
    except ValidationError as refus:
        return rendre(request, GABARIT, contexte | {"refus": refus.messages})
    for candidat in proposition.candidats.values():
        candidat.orientation.solde = solde_annote(candidat.orientation, stage)
    form = PropositionForm(request.POST if request.method == "POST" else None, proposition=proposition)
    if request.method == "POST" and form.is_valid():
        try:
            creees, _nouvelles = convocations_creer(
                stage=stage, choix=form.choix(), aujourd_hui=aujourd_hui, par=request.user,
                cle=form.cleaned_data["cle"],
            )
        except ValidationError as refus:
            form.add_error(None, refus)
        else:
            messages.success(request, f"{compte(len(creees), 'convocation créée', 'convocations créées')}.")
            return rediriger(request, page_du_stage(stage))
    return rendre(request, GABARIT, contexte | {"proposition": proposition, "form": form}, "proposition")

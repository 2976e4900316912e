"""What staff record on a convocation: the person's answer (confirmed, report, cancelled)
and the entretiens (préalable, bilan). GET opens the form, POST calls the service."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError

from commun.htmx import rendre
from convocations.forms import ConfirmationForm, EntretienBilanForm, EntretienForm, MotifForm
from convocations.services.entretiens import entretien_bilan_enregistrer, entretien_enregistrer
from convocations.services.reponses import (
    convocation_annuler,
    convocation_confirmer,
    convocation_reporter,
    texte_accord,
)
from convocations.views.acces import convocation_ou_404, page_du_stage, rediriger
from stages.access import Droit, droit_requis, meme_antenne


@dataclass(frozen=True)
class Action:
    titre: str
    bouton: str
    formulaire: Any
    executer: Any
    succes: str
    aide: str = ""
    danger: bool = False


ACTIONS = {
    "confirmer": Action(
        "Confirmer la présence", "Enregistrer la confirmation", lambda d: ConfirmationForm(d),
        lambda c, form, request: convocation_confirmer(convocation=c), "Présence confirmée.",
    ),
    "reporter": Action(
        "Reporter (demande de report)", "Enregistrer le report", lambda d: MotifForm(d),
        lambda c, form, request: convocation_reporter(convocation=c, motif=form.cleaned_data["motif"]),
        "Report enregistré : la personne retrouve son rang dans la liste d'attente et la place est libérée.",
        aide="La personne revient dans la liste d'attente à son rang d'origine (un report de plus).",
    ),
    "annuler": Action(
        "Annuler la convocation", "Annuler la convocation", lambda d: MotifForm(d),
        lambda c, form, request: convocation_annuler(convocation=c, motif=form.cleaned_data["motif"]),
        "Convocation annulée : la personne revient dans la liste d'attente et la place est libérée.",
        danger=True,
    ),
    "entretien": Action(
        "Entretien préalable", "Enregistrer l'entretien", lambda d: EntretienForm(d),
        lambda c, form, request: entretien_enregistrer(
            convocation=c, date_entretien=form.cleaned_data["date"], mode=form.cleaned_data["mode"],
            joint=form.cleaned_data["joint"], note=form.cleaned_data["note"], par=request.user,
        ),
        "Entretien préalable enregistré.",
        aide="Présenter le stage et vérifier la venue : aucune information sur les faits dans la note.",
    ),
    "entretien_bilan": Action(
        "Entretien bilan", "Enregistrer l'entretien bilan", lambda d: EntretienBilanForm(d),
        lambda c, form, request: entretien_bilan_enregistrer(
            convocation=c, date_entretien=form.cleaned_data["date"], mode=form.cleaned_data["mode"],
            note=form.cleaned_data["note"], par=request.user,
        ),
        "Entretien bilan enregistré.",
        aide="Après le stage : ce que la personne en retient. Aucune information sur les faits dans la note.",
    ),
}


def _repondre(request, convocation_id: int, nom: str):
    action = ACTIONS[nom]
    convocation = convocation_ou_404(request, convocation_id)
    form = action.formulaire(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            fait = action.executer(convocation, form, request)
        except ValidationError as refus:
            if not hasattr(refus, "error_dict"):
                messages.error(request, " ".join(refus.messages))
                return rediriger(request, page_du_stage(convocation.stage))
            form.add_error(None, refus)
        else:
            messages.success(request, action.succes)
            if getattr(fait, "accord_a_demander", False):
                messages.warning(request, texte_accord(fait))
            return rediriger(request, page_du_stage(convocation.stage))
    return rendre(request, "convocations/reponse.html", {
        "convocation": convocation, "action": action, "nom": nom, "form": form,
        "retour": page_du_stage(convocation.stage),
    }, "formulaire")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def convocation_confirmer_vue(request, convocation_id: int):
    return _repondre(request, convocation_id, "confirmer")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def convocation_reporter_vue(request, convocation_id: int):
    return _repondre(request, convocation_id, "reporter")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def convocation_annuler_vue(request, convocation_id: int):
    return _repondre(request, convocation_id, "annuler")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def entretien_ajouter(request, convocation_id: int):
    return _repondre(request, convocation_id, "entretien")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def entretien_bilan_ajouter(request, convocation_id: int):
    return _repondre(request, convocation_id, "entretien_bilan")

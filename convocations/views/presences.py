"""Émargement on a tablet: the séances of the day, a séance's page (one tap marks a person,
saved at once; the list refreshes itself so the other animateur and the office see the marks;
each present person signs on the pad), what the tablet kept while offline (`seance_synchroniser`)
and the feuille d'émargement PDF. An animateur sees only the stages they run, the office all
of its antenne (`stages.access.stages_visibles`)."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from commun.documents import reponse_pdf
from commun.htmx import rendre, veut_un_fragment
from convocations.feuille import feuille_emargement
from convocations.forms import MarqueForm, SignatureForm
from convocations.models import NatureAction, Presence, StatutPresence
from convocations.presences import (
    convocations_de_la_seance,
    lignes_de_la_seance,
    seance_ou_404,
    seances_du_jour,
)
from convocations.services.presences import refus_de_marquer
from convocations.services.tablette import tablette_appliquer
from stages.access import Droit, droit_requis, meme_antenne
from stages.models import Seance, StatutStage

GABARIT = "convocations/seance.html"
# At most this many actions in one synchronisation (a séance's worth, many times over).
ACTIONS_MAX = 500
REFUSEE = "refusee"


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
        "nb_signees": sum(bool(ligne.a_signer and ligne.presence.signee_le) for ligne in lignes),
        "nb_a_signer": sum(ligne.a_signer for ligne in lignes),
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
        convocation = convocations_de_la_seance(seance).filter(pk=form.cleaned_data["convocation"]).first()
        if convocation is None:
            raise Http404("Cette personne n'est pas convoquée à ce stage.")
        try:
            tablette_appliquer(seance=seance, convocation=convocation, nature=NatureAction.MARQUE,
                               donnees=form.cleaned_data, par=request.user, hors_ligne=False)
        except ValidationError as refus:
            erreur = " ".join(refus.messages)
        else:
            if not veut_un_fragment(request):
                presence = Presence.objects.get(convocation=convocation, seance=seance)
                messages.success(request, f"{convocation.orientation.personne} : {presence.libelle.lower()}.")
    if not veut_un_fragment(request):
        if erreur:
            messages.error(request, erreur)
        return redirect(page)
    return rendre(request, GABARIT, _contexte(seance, erreur=erreur), fragment="liste")


def _synchroniser(request, seance: Seance, action) -> dict:
    """One action the tablet kept: {cle, etat, message}, etat one of services.tablette's, or
    REFUSEE with the reason in French. Its key and time are required."""
    if not isinstance(action, dict):
        return {"cle": "", "etat": REFUSEE, "message": "Action illisible : elle est ignorée."}
    donnees = {champ: str(valeur) for champ, valeur in action.items()
               if isinstance(valeur, str | int | float) and not isinstance(valeur, bool)}
    cle = donnees.get("cle", "")[:64]
    nature = donnees.get("nature")
    if nature not in NatureAction.values:
        return {"cle": cle, "etat": REFUSEE, "message": "Action inconnue : elle est ignorée."}
    form = (SignatureForm if nature == NatureAction.SIGNATURE else MarqueForm)(donnees)
    if not form.is_valid():
        return {"cle": cle, "etat": REFUSEE,
                "message": " ".join(e for erreurs in form.errors.values() for e in erreurs)}
    if not form.cleaned_data["cle"] or form.cleaned_data["faite_le"] is None:
        return {"cle": cle, "etat": REFUSEE, "message": "Action sans clé ni heure : rechargez la page."}
    convocation = convocations_de_la_seance(seance).filter(pk=form.cleaned_data["convocation"]).first()
    if convocation is None:
        return {"cle": cle, "etat": REFUSEE, "message": "Cette personne n'est pas convoquée à cette séance."}
    try:
        etat = tablette_appliquer(seance=seance, convocation=convocation, nature=nature,
                                  donnees=form.cleaned_data, par=request.user, hors_ligne=True)
    except ValidationError as refus:
        return {"cle": cle, "etat": REFUSEE,
                "message": f"{convocation.orientation.personne} : {' '.join(refus.messages)}"}
    return {"cle": cle, "etat": etat, "message": ""}


@droit_requis(Droit.STAGES)
@meme_antenne
def seance_synchroniser(request, seance_id: int):
    """POST what the tablet kept (offline marks and signatures; a signature always comes this
    way): `actions`, a JSON list. Each is applied once per key, at the time it was made; the
    answer (JSON) says for each whether it was recorded, already there, or refused and why."""
    seance = seance_ou_404(request, seance_id)
    if request.method != "POST":
        return redirect(reverse("convocations:seance", args=[seance.pk]))
    try:
        actions = json.loads(request.POST.get("actions", ""))
    except (ValueError, RecursionError):
        actions = None
    if not isinstance(actions, list) or not 1 <= len(actions) <= ACTIONS_MAX:
        return JsonResponse({"erreur": "Rien de lisible à synchroniser : rechargez la page."}, status=400)
    return JsonResponse({"resultats": [_synchroniser(request, seance, action) for action in actions]})


@droit_requis(Droit.STAGES)
def seance_feuille(request, seance_id: int):
    seance = seance_ou_404(request, seance_id)
    animateurs = [m.user.get_full_name() or m.user.username
                  for m in seance.stage.animateurs.select_related("user").order_by("user__last_name")]
    pdf = feuille_emargement(seance=seance, lignes=lignes_de_la_seance(seance, avec_signatures=True),
                             animateurs=animateurs)
    return reponse_pdf(pdf, f"emargement-{seance.date:%Y-%m-%d}-{seance.pk}.pdf")

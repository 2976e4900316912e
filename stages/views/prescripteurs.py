"""The prescripteurs of the antenne: list, add, edit, deactivate and reactivate, merge two
records of the same prescripteur (after a confirmation step)."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from stages import services
from stages.access import Droit, droit_requis, objet_ou_404
from stages.forms import DesactivationForm, FichePrescripteurForm, FiltresPrescripteurs, FusionForm
from stages.historique import historique_prescripteur
from stages.models import Prescripteur, TypePrescripteur
from stages.selectors import prescripteurs_de_l_antenne


def _prescripteur(request, prescripteur_id: int) -> Prescripteur:
    return objet_ou_404(request, Prescripteur.objects.select_related("fusionne_dans"),
                        pk=prescripteur_id)


def _vers_fiche(request, prescripteur: Prescripteur):
    url = reverse("stages:prescripteur", args=[prescripteur.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@droit_requis(Droit.LISTE_ATTENTE)
def prescripteurs(request):
    """The list, filtered from the URL; htmx asks for the list only."""
    antenne = request.acces.antenne
    form = FiltresPrescripteurs(request.GET)
    contexte = {
        "form": form,
        "prescripteurs": prescripteurs_de_l_antenne(antenne=antenne, **form.criteres()),
    }
    gabarit = "stages/prescripteurs.html" + ("#liste" if request.htmx else "")
    return render(request, gabarit, contexte)


@droit_requis(Droit.LISTE_ATTENTE)
def prescripteur_ajouter(request):
    """Also opened from an import's preview, with the unknown name as read in the file
    (`?nom_importe=`) prefilled."""
    antenne = request.acces.antenne
    if request.method == "POST":
        form = FichePrescripteurForm(request.POST, antenne=antenne)
        if form.is_valid():
            try:
                prescripteur = services.prescripteur_creer(
                    antenne=antenne, prescripteur=form.save(commit=False)
                )
            except ValidationError as erreur:
                form.add_error(None, erreur)
            else:
                messages.success(request, f"Prescripteur « {prescripteur} » ajouté.")
                return _vers_fiche(request, prescripteur)
    else:
        type_ = request.GET.get("type", "")
        form = FichePrescripteurForm(antenne=antenne, initial={
            "nom": request.GET.get("nom_importe", "")[:Prescripteur._meta.get_field("nom").max_length],
            "type": type_ if type_ in TypePrescripteur.values else "",
        })
    return render(request, "stages/prescripteurs_form.html", {"form": form})


def _fiche(request, prescripteur: Prescripteur, form_desactivation=None):
    return render(request, "stages/prescripteurs_fiche.html", {
        "prescripteur": prescripteur,
        "nb_orientations": prescripteur.orientations.count(),
        "fusionnes": list(prescripteur.fusionnes.order_by("nom")),
        "historique": historique_prescripteur(prescripteur),
        "form_desactivation": form_desactivation or DesactivationForm(),
    })


@droit_requis(Droit.LISTE_ATTENTE)
def prescripteur(request, prescripteur_id: int):
    return _fiche(request, _prescripteur(request, prescripteur_id))


@droit_requis(Droit.LISTE_ATTENTE)
def prescripteur_modifier(request, prescripteur_id: int):
    prescripteur = _prescripteur(request, prescripteur_id)
    form = FichePrescripteurForm(
        # A copy: validation writes the typed values on it, the page shows the saved ones.
        request.POST if request.method == "POST" else None, instance=copy(prescripteur),
        antenne=prescripteur.antenne,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.prescripteur_modifier(prescripteur=form.save(commit=False))
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, "Modifications enregistrées.")
            return _vers_fiche(request, prescripteur)
    return render(request, "stages/prescripteurs_form.html", {
        "form": form, "prescripteur": prescripteur,
    })


@droit_requis(Droit.LISTE_ATTENTE)
def prescripteur_desactiver(request, prescripteur_id: int):
    """GET: the page with the deactivation form; POST: deactivate, with a reason."""
    prescripteur = _prescripteur(request, prescripteur_id)
    form = DesactivationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.prescripteur_desactiver(
                prescripteur=prescripteur, motif=form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, (
                f"« {prescripteur} » est désactivé : il n'est plus proposé pour les nouvelles "
                "orientations ; les orientations existantes le gardent."
            ))
        return _vers_fiche(request, prescripteur)
    return _fiche(request, prescripteur, form_desactivation=form)


@droit_requis(Droit.LISTE_ATTENTE)
@require_POST
def prescripteur_reactiver(request, prescripteur_id: int):
    prescripteur = _prescripteur(request, prescripteur_id)
    try:
        services.prescripteur_reactiver(prescripteur=prescripteur)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"« {prescripteur} » est de nouveau proposé pour les orientations.")
    return _vers_fiche(request, prescripteur)


@droit_requis(Droit.LISTE_ATTENTE)
def prescripteur_fusionner(request, prescripteur_id: int):
    """Choose the other record and the one kept, see what will move, then confirm."""
    prescripteur = _prescripteur(request, prescripteur_id)
    form = FusionForm(request.POST if request.method == "POST" else None, prescripteur=prescripteur)
    contexte = {"prescripteur": prescripteur, "form": form}
    if form.is_bound and form.is_valid():
        conserve, doublon = form.paire()
        if "confirmer" not in request.POST:
            contexte |= {"conserve": conserve, "doublon": doublon,
                         "nb_orientations": doublon.orientations.count()}
            return render(request, "stages/prescripteurs_fusion.html", contexte)
        try:
            nombre = services.prescripteur_fusionner(
                conserve=conserve, doublon=doublon, motif=form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, (
                f"« {doublon} » est fusionné dans « {conserve} » : {nombre} orientation(s) "
                f"déplacée(s) ; « {doublon} » est désactivé."
            ))
            return _vers_fiche(request, conserve)
    return render(request, "stages/prescripteurs_fusion.html", contexte)

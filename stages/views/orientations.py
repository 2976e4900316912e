"""Orientation pages: creation and edit, the orientation page with its timeline and actions,
the possible-duplicates fragment and the quick add of a prescripteur."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, retarget

from stages import services
from stages.access import (
    Droit,
    antenne_ailleurs,
    droit_requis,
    meme_antenne,
    objet_ou_404,
)
from stages.dates import date_longue
from stages.forms import (
    CorrectionEcheanceForm,
    IdentiteForm,
    OrientationForm,
    PersonneForm,
    PrescripteurForm,
    ProlongationForm,
    ReouvertureForm,
    SortieForm,
    UrgenceForm,
)
from stages.historique import chronologie
from stages.models import Consultation, Orientation, Statut
from stages.selectors import autres_orientations_de_la_personne, avec_rang

DEJA_ENREGISTREE = "Cette orientation était déjà enregistrée : elle n'a pas été créée une seconde fois."


def _orientation(request, orientation_id: int) -> Orientation:
    return objet_ou_404(
        request, avec_rang(Orientation.objects.select_related(
            "personne", "prescripteur", "antenne", "antenne_destination", "origine__antenne",
        )),
        pk=orientation_id,
    )


def _rediriger(request, url: str):
    """After a successful POST: a full page load, for htmx too, where the message shows."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _vers_fiche(request, orientation: Orientation):
    return _rediriger(request, reverse("stages:orientation", args=[orientation.pk]))


def _tous_valides(*formulaires) -> bool:
    return all([f.is_valid() for f in formulaires])  # a list: every form shows its errors


def _montrer_refus(erreur: ValidationError, *formulaires) -> None:
    """A service's refusal next to its field, in whichever form has it, else on top."""
    if not hasattr(erreur, "error_dict"):
        formulaires[0].add_error(None, erreur)
        return
    for champ, erreurs in erreur.error_dict.items():
        porteur = next((f for f in formulaires if champ in f.fields), None)
        (porteur or formulaires[0]).add_error(champ if porteur else None, erreurs)


def _refus(request, erreur: ValidationError, orientation: Orientation, *formulaires):
    """A refusal on an existing orientation. Without a field it means the orientation was
    closed (`_verrouiller_ouverte`): nothing to correct, back to its page with the message."""
    if hasattr(erreur, "error_dict"):
        _montrer_refus(erreur, *formulaires)
        return None
    messages.error(request, " ".join(erreur.messages))
    return _vers_fiche(request, orientation)


def _page_formulaire(request, personne_form, orientation_form, orientation=None, en_double=None):
    """The creation or edit form, shown or shown again after a POST. An edit form carries
    every saved value, and a creation form may list known persons: both reads are traced."""
    if orientation:
        services.tracer_consultation(request, Consultation.Objet.MODIFICATION, orientation=orientation)
    elif personne_form.doublons:
        services.tracer_consultation(request, Consultation.Objet.DOUBLONS,
                            detail=_identite_cherchee(personne_form))
    return render(request, "stages/orientation_form.html", {
        "personne_form": personne_form, "orientation_form": orientation_form,
        "orientation": orientation, "en_double": en_double,
        "doublons": personne_form.doublons, "choisie": personne_form.choix_saisi(),
    })


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def orientation_nouvelle(request):
    antenne = request.acces.antenne
    donnees = request.POST if request.method == "POST" else None
    personne_form = PersonneForm(donnees, antenne=antenne)
    orientation_form = OrientationForm(
        donnees, antenne=antenne, initial=_prescripteur_choisi(request)
    )
    en_double = None
    if donnees is not None:
        deja = orientation_form.deja_enregistree()
        if deja:
            messages.info(request, DEJA_ENREGISTREE)
            return _vers_fiche(request, deja)
        if _tous_valides(personne_form, orientation_form):
            try:
                orientation, creee = services.orientation_creer(
                    personne=personne_form.personne(),
                    orientation=orientation_form.save(commit=False),
                    cle_creation=str(orientation_form.cleaned_data["cle_creation"]),
                )
            except ValidationError as erreur:
                _montrer_refus(erreur, personne_form, orientation_form)
                en_double = getattr(erreur, "orientation", None)  # OrientationEnDouble
            else:
                if creee:
                    messages.success(request, (
                        f"Orientation de {orientation.personne} enregistrée, échéance le "
                        f"{date_longue(orientation.echeance)}."
                    ))
                else:
                    messages.info(request, DEJA_ENREGISTREE)
                return _vers_fiche(request, orientation)
    return _page_formulaire(request, personne_form, orientation_form, en_double=en_double)


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def orientation_modifier(request, orientation_id: int):
    orientation = _orientation(request, orientation_id)
    donnees = request.POST if request.method == "POST" else None
    # Copies: validation writes the typed values on the instance, the page shows the saved ones.
    personne_form = PersonneForm(
        donnees, instance=copy(orientation.personne), antenne=orientation.antenne
    )
    orientation_form = OrientationForm(
        donnees, instance=copy(orientation), antenne=orientation.antenne,
        initial=_prescripteur_choisi(request),
    )
    if donnees is not None and _tous_valides(personne_form, orientation_form):
        try:
            modifiee = services.orientation_modifier(
                orientation=orientation, champs_orientation=orientation_form.saisies(),
                champs_personne=personne_form.saisies(),
            )
        except ValidationError as erreur:
            for form in (personne_form, orientation_form):
                form.reprendre_valeurs_enregistrees(erreur)
            if reponse := _refus(request, erreur, orientation, personne_form, orientation_form):
                return reponse
        else:
            message = "Modifications enregistrées."
            if modifiee.echeance != orientation.echeance:
                message += (f" L'échéance suit la date corrigée (délai de l'antenne) : "
                            f"{date_longue(modifiee.echeance)}.")
            messages.success(request, message)
            return _vers_fiche(request, orientation)
    return _page_formulaire(request, personne_form, orientation_form, orientation)


def _fiche(request, orientation: Orientation, action_ouverte: str = "", **formulaires):
    """The orientation page; an htmx request for one action form gets that form only."""
    contexte = {
        "orientation": orientation,
        "form_urgence": UrgenceForm(instance=orientation),
        "form_prolongation": ProlongationForm(),
        "form_correction": CorrectionEcheanceForm(),
        "form_sortie": SortieForm(antenne=orientation.antenne),
        "form_reouverture": ReouvertureForm(),
        "action_ouverte": action_ouverte,
    } | formulaires
    if request.htmx and action_ouverte:
        return render(request, f"stages/orientation.html#{action_ouverte}", contexte)
    aujourd_hui = timezone.localdate()
    jours_restants = (orientation.echeance - aujourd_hui).days
    contexte |= {
        "personne": orientation.personne,
        "ouverte": orientation.est_ouverte,
        "etat_echeance": orientation.etat_echeance(aujourd_hui),
        "rang": orientation.rang if orientation.est_en_attente else None,
        "jours_restants": jours_restants, "jours_restants_abs": abs(jours_restants),
        "autres_orientations": autres_orientations_de_la_personne(orientation),
        "chronologie": chronologie(orientation),
    }
    services.tracer_consultation(request, Consultation.Objet.FICHE, orientation=orientation)
    return render(request, "stages/orientation.html", contexte)


@droit_requis(Droit.LISTE_ATTENTE)
def orientation(request, orientation_id: int):
    try:
        orientation = _orientation(request, orientation_id)
    except Http404:
        # A link from another of the user's antennes: offer to switch. Nothing of the
        # orientation is read or shown (nor traced) before the switch.
        autre = antenne_ailleurs(request, Orientation, Droit.LISTE_ATTENTE, pk=orientation_id)
        if autre is None:
            raise
        return render(request, "stages/orientation_autre_antenne.html", {"autre": autre})
    return _fiche(request, orientation)


def _action(request, orientation_id: int, *, nom: str, formulaire, executer, succes: str):
    """One action of the orientation page: GET opens its form, POST calls the service."""
    orientation = _orientation(request, orientation_id)
    donnees = request.POST if request.method == "POST" else None
    form = formulaire(donnees, orientation)
    if donnees is not None and form.is_valid():
        try:
            executer(orientation, form)
        except ValidationError as erreur:
            if reponse := _refus(request, erreur, orientation, form):
                return reponse
        else:
            messages.success(request, succes)
            return _vers_fiche(request, orientation)
    return _fiche(request, orientation, action_ouverte=nom, **{nom: form})


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def orientation_urgence(request, orientation_id: int):
    return _action(
        request, orientation_id, nom="form_urgence",
        formulaire=lambda donnees, o: UrgenceForm(donnees, instance=copy(o)),
        executer=lambda o, form: services.orientation_marquer_urgente(
            orientation=o, urgent=form.cleaned_data["urgent"],
            motif=form.cleaned_data["motif_urgence"],
        ),
        succes="Urgence enregistrée.",
    )


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def orientation_prolonger(request, orientation_id: int):
    return _action(
        request, orientation_id, nom="form_prolongation",
        formulaire=lambda donnees, _o: ProlongationForm(donnees),
        executer=lambda o, form: services.echeance_prolonger(orientation=o, **form.cleaned_data),
        succes="Échéance prolongée avec l'accord du prescripteur.",
    )


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def orientation_sortir(request, orientation_id: int):
    return _action(
        request, orientation_id, nom="form_sortie",
        formulaire=lambda donnees, o: SortieForm(donnees, antenne=o.antenne),
        executer=lambda o, form: services.orientation_sortir(
            orientation=o, statut=Statut(form.cleaned_data["statut"]),
            motif=form.cleaned_data["motif"], destination=form.cleaned_data["destination"],
            antenne_destination=form.cleaned_data["antenne_destination"],
        ),
        succes="L'orientation a quitté la liste d'attente ; sa fiche reste consultable.",
    )


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def orientation_corriger_echeance(request, orientation_id: int):
    return _action(
        request, orientation_id, nom="form_correction",
        formulaire=lambda donnees, _o: CorrectionEcheanceForm(donnees),
        executer=lambda o, form: services.echeance_corriger(orientation=o, **form.cleaned_data),
        succes="Échéance corrigée ; l'ancienne date et le motif restent dans l'historique.",
    )


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def orientation_rouvrir(request, orientation_id: int):
    return _action(
        request, orientation_id, nom="form_reouverture",
        formulaire=lambda donnees, _o: ReouvertureForm(donnees),
        executer=lambda o, form: services.orientation_rouvrir(
            orientation=o, motif=form.cleaned_data["motif"],
        ),
        succes="L'orientation est de nouveau dans la liste d'attente, à son rang d'origine.",
    )


@droit_requis(Droit.LISTE_ATTENTE)
def doublons(request):
    """Fragment: the known persons matching the identity typed so far."""
    form = IdentiteForm(request.GET, antenne=request.acces.antenne)
    doublons = form.chercher_doublons() if form.is_valid() else []
    if doublons:
        services.tracer_consultation(request, Consultation.Objet.DOUBLONS, detail=_identite_cherchee(form))
    return render(request, "stages/orientation_form.html#doublons", {
        "doublons": doublons,
        "choisie": request.GET.get("personne_existante", ""),
    })


def _identite_cherchee(form: IdentiteForm) -> str:
    """The identity the known persons were looked up by, for the trace."""
    return " ; ".join(f"{form.fields[nom].label} : {form.cleaned_data[nom]}"
                      for nom in IdentiteForm.Meta.fields)


def _suivant(request) -> str:
    """The orientation form the quick add was opened from: a page of this site only."""
    suivant = request.POST.get("suivant") or request.GET.get("suivant", "")
    # A path of this site: anything else (another host, or a bare word that redirect()
    # would take for a view name) goes back to the new orientation form.
    if suivant.startswith("/") and url_has_allowed_host_and_scheme(
        suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suivant
    return reverse("stages:orientation_nouvelle")


def _prescripteur_choisi(request) -> dict:
    """Back from the quick add without JS, the new prescripteur is selected."""
    return {"prescripteur": request.GET["prescripteur"]} if "prescripteur" in request.GET else {}


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def prescripteur_nouveau(request):
    """Quick add: with htmx the orientation form's list comes back with it selected."""
    antenne = request.acces.antenne
    form = PrescripteurForm(request.POST if request.method == "POST" else None, antenne=antenne)
    if request.method == "POST" and form.is_valid():
        try:
            prescripteur = services.prescripteur_creer(antenne=antenne, prescripteur=form.save(commit=False))
        except ValidationError as erreur:
            _montrer_refus(erreur, form)
        else:
            if request.htmx:
                reponse = render(request, "stages/orientation_form.html#prescripteur_select", {
                    "orientation_form": OrientationForm(
                        antenne=antenne, initial={"prescripteur": prescripteur.pk}
                    ),
                    "ajoute": prescripteur, "suivant": _suivant(request),
                })
                return retarget(reponse, "#champ-prescripteur")
            messages.success(request, f"Prescripteur « {prescripteur} » ajouté.")
            adresse, _, requete = _suivant(request).partition("?")
            parametres = QueryDict(requete, mutable=True)
            parametres["prescripteur"] = prescripteur.pk
            return redirect(f"{adresse}?{parametres.urlencode()}")
    gabarit = "stages/orientation_prescripteur.html"
    return render(request, f"{gabarit}#formulaire" if request.htmx else gabarit, {
        "form": form, "suivant": _suivant(request),
    })

"""Orientation pages: creation and edit, the orientation page with its timeline and actions,
the possible-duplicates fragment and the quick add of a prescripteur."""

from collections.abc import Callable
from copy import copy
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, retarget

from commun import encarts
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
    ActionMixin,
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
from stages.models import Consultation, Orientation
from stages.selectors import autres_orientations_de_la_personne, avec_rang

DEJA_ENREGISTREE = "Cette orientation était déjà enregistrée : elle n'a pas été créée une seconde fois."


def _orientation(request, orientation_id: int) -> Orientation:
    # With what the apps above read in the same query for their sections (the balance).
    return objet_ou_404(
        request, encarts.annoter("orientation", avec_rang(Orientation.objects.select_related(
            "personne", "prescripteur", "antenne", "antenne_destination", "origine__antenne",
        ))),
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


@dataclass(frozen=True)
class Action:
    """One action of the orientation page: its form (which holds its words), the service it
    calls with the form's `arguments()`, its URL. Every action has one view (`_vue_action`)
    and one block of the page (partial `action`)."""

    formulaire: type[ActionMixin]
    service: Callable[..., object]
    url: str
    # What the form needs of the orientation besides the data sent.
    options: Callable[[Orientation], dict] = lambda _o: {}

    def form(self, donnees: QueryDict | None, orientation: Orientation):
        return self.formulaire(donnees, **self.options(orientation))


@dataclass(frozen=True)
class Bloc:
    """An action as the page shows it for one orientation."""

    action: Action
    form: ActionMixin


def _fiche(request, orientation: Orientation, ouverte: Action | None = None, form: Form | None = None):
    """The orientation page; an htmx request for one action form gets that form only."""
    contexte = {"orientation": orientation, "action_ouverte": ouverte}
    if request.htmx and ouverte:
        return render(request, "stages/orientation.html#action",
                      contexte | {"bloc": Bloc(ouverte, form)})
    actions = ACTIONS if orientation.est_ouverte else [REOUVERTURE] if orientation.est_reouvrable else []
    contexte["blocs"] = [Bloc(action, form if action is ouverte else action.form(None, orientation))
                         for action in actions]
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
        "encarts": encarts.encarts("orientation", request, orientation),
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


def _action(request, orientation_id: int, action: Action):
    """GET opens the action's form, POST calls its service."""
    orientation = _orientation(request, orientation_id)
    donnees = request.POST if request.method == "POST" else None
    form = action.form(donnees, orientation)
    if donnees is not None and form.is_valid():
        try:
            action.service(orientation=orientation, **form.arguments())
        except ValidationError as erreur:
            if reponse := _refus(request, erreur, orientation, form):
                return reponse
        else:
            messages.success(request, form.succes)
            return _vers_fiche(request, orientation)
    return _fiche(request, orientation, action, form)


def _vue_action(action: Action):
    @droit_requis(Droit.LISTE_ATTENTE)
    @meme_antenne
    def vue(request, orientation_id: int):
        return _action(request, orientation_id, action)

    return vue


URGENCE = Action(UrgenceForm, services.orientation_marquer_urgente, "stages:orientation_urgence",
                 options=lambda o: {"instance": copy(o)})
PROLONGATION = Action(ProlongationForm, services.echeance_prolonger, "stages:orientation_prolonger")
CORRECTION = Action(CorrectionEcheanceForm, services.echeance_corriger,
                    "stages:orientation_corriger_echeance")
SORTIE = Action(SortieForm, services.orientation_sortir, "stages:orientation_sortir",
                options=lambda o: {"antenne": o.antenne})
REOUVERTURE = Action(ReouvertureForm, services.orientation_rouvrir, "stages:orientation_rouvrir")
# Those of an open orientation, in the page's order.
ACTIONS = [URGENCE, PROLONGATION, CORRECTION, SORTIE]

orientation_urgence = _vue_action(URGENCE)
orientation_prolonger = _vue_action(PROLONGATION)
orientation_corriger_echeance = _vue_action(CORRECTION)
orientation_sortir = _vue_action(SORTIE)
orientation_rouvrir = _vue_action(REOUVERTURE)


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

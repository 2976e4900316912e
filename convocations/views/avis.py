"""The notices to prescripteurs (non-réalisation, demande d'accord, retour), the accord
received, the notices' PDFs, and the échéances dashboard (the staff's home page section and
its full page). GET opens the form, POST calls the service (convocations.services.avis)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from commun.documents import assembler, reponse_pdf
from commun.htmx import rendre
from commun.models import CanalEnvoi, Envoi, PieceJointe, StatutEnvoi
from convocations import echeances
from convocations.forms_avis import AccordForm, DemandeAccordForm, NonRealisationForm, RetourForm
from convocations.models import Avis, NatureAvis
from convocations.services import avis as services
from convocations.views.acces import rediriger
from stages.access import Droit, droit_requis, meme_antenne, objet_ou_404
from stages.models import Orientation


@dataclass(frozen=True)
class Action:
    titre: str
    bouton: str
    formulaire: type
    executer: Callable[..., Any]
    aide: str
    danger: bool = False
    initial: Callable[[Orientation], dict] = lambda orientation: {}


ACTIONS = {
    "non_realisation": Action(
        "Avis de non-réalisation", "Envoyer l'avis", NonRealisationForm,
        lambda o, d, user: services.non_realisation_envoyer(orientation=o, par=user, **d),
        "Informe le prescripteur que le stage n'a pas pu être réalisé ; l'orientation reste suivie.",
    ),
    "demande_accord": Action(
        "Demander l'accord du prescripteur", "Envoyer la demande", DemandeAccordForm,
        lambda o, d, user: services.accord_demander(orientation=o, par=user, **d),
        "L'échéance sera ou est dépassée : la demande propose une nouvelle date ; l'accord reçu, "
        "enregistrez-le pour prolonger l'échéance.",
        initial=lambda o: {"nouvelle_echeance": services.echeance_proposee(o, timezone.localdate())},
    ),
    "retour": Action(
        "Retour au prescripteur", "Retourner le dossier", RetourForm,
        lambda o, d, user: services.retour_envoyer(
            orientation=o, par=user, **{k: v for k, v in d.items() if k != "confirmation"}),
        "Le dossier est retourné au prescripteur, qui décide des suites : l'orientation est close.",
        danger=True,
    ),
}


def _orientation(request, orientation_id: int) -> Orientation:
    return objet_ou_404(request, Orientation.objects.select_related("personne", "prescripteur", "antenne"),
                        pk=orientation_id)


def _fiche(orientation_id: int) -> str:
    return reverse("stages:orientation", args=[orientation_id])


def _action(request, orientation_id: int, nom: str):
    action = ACTIONS[nom]
    orientation = _orientation(request, orientation_id)
    form = action.formulaire(request.POST if request.method == "POST" else None,
                             initial=action.initial(orientation))
    if request.method == "POST" and form.is_valid():
        try:
            avis, cree = action.executer(orientation, form.cleaned_data, request.user)
        except ValidationError as refus:
            if not hasattr(refus, "error_dict"):
                messages.error(request, " ".join(refus.messages))
                return rediriger(request, _fiche(orientation.pk))
            form.add_error(None, refus)
        else:
            if cree:
                messages.success(request, services.texte_envoye(avis))
            else:
                messages.info(request, f"{avis.get_nature_display()} déjà envoyé le "
                                       f"{timezone.localtime(avis.cree_le):%d/%m/%Y à %H:%M} : rien de plus.")
            return rediriger(request, _fiche(orientation.pk))
    return rendre(request, "convocations/avis_form.html", {
        "orientation": orientation, "action": action, "form": form,
        "adresse": reverse(f"convocations:avis_{nom}", args=[orientation.pk]),
        "retour": _fiche(orientation.pk),
        "sans_courriel": not (orientation.prescripteur and orientation.prescripteur.email),
    }, "formulaire")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def avis_non_realisation(request, orientation_id: int):
    return _action(request, orientation_id, "non_realisation")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def avis_demande_accord(request, orientation_id: int):
    return _action(request, orientation_id, "demande_accord")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def avis_retour(request, orientation_id: int):
    return _action(request, orientation_id, "retour")


def _avis(request, avis_id: int) -> Avis:
    return objet_ou_404(request, Avis.objects.select_related("orientation__personne", "envoi"), pk=avis_id)


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def avis_accord(request, avis_id: int):
    """The prescripteur's accord to a demande d'accord: the échéance is prolonged."""
    avis = _avis(request, avis_id)
    if avis.nature != NatureAvis.DEMANDE_ACCORD:
        raise Http404
    form = AccordForm(request.POST if request.method == "POST" else None,
                      initial={"recu_le": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            avis = services.accord_enregistrer(avis=avis, par=request.user, **form.cleaned_data)
        except ValidationError as refus:
            if not hasattr(refus, "error_dict"):
                messages.error(request, " ".join(refus.messages))
                return rediriger(request, _fiche(avis.orientation_id))
            form.add_error(None, refus)
        else:
            avis.orientation.refresh_from_db(fields=["echeance"])
            messages.success(request, f"Accord enregistré : échéance prolongée au "
                                      f"{avis.orientation.echeance:%d/%m/%Y} "
                                      "(l'historique garde l'ancienne).")
            return rediriger(request, _fiche(avis.orientation_id))
    return rendre(request, "convocations/avis_form.html", {
        "orientation": avis.orientation, "form": form, "avis": avis,
        "action": Action("Enregistrer l'accord du prescripteur", "Enregistrer l'accord", AccordForm, None,
                         f"Demande envoyée le {timezone.localtime(avis.cree_le):%d/%m/%Y}, pour une "
                         f"échéance au {avis.echeance_proposee:%d/%m/%Y}. L'échéance sera prolongée ; "
                         "l'historique garde l'ancienne."),
        "adresse": reverse("convocations:avis_accord", args=[avis.pk]),
        "retour": _fiche(avis.orientation_id),
    }, "formulaire")



@droit_requis(Droit.LISTE_ATTENTE)
def avis_pdf(request, avis_id: int):
    """The notice as it was sent (the stored bytes: a re-download gives the same PDF)."""
    avis = _avis(request, avis_id)
    piece = PieceJointe.objects.filter(envoi_id=avis.envoi_id).order_by("rang").first()
    if piece is None:
        raise Http404
    return reponse_pdf(bytes(piece.contenu), piece.nom)


def envois_a_poster(antenne):
    return Envoi.objects.filter(
        objet_type__app_label=Avis._meta.app_label, objet_type__model=Avis._meta.model_name,
        objet_id__in=Avis.objects.filter(antenne=antenne).values("pk"),
        canal=CanalEnvoi.COURRIER, statut=StatutEnvoi.A_POSTER,
    )


@droit_requis(Droit.LISTE_ATTENTE)
def avis_a_poster(request):
    """The antenne's notices to post, as one PDF to print."""
    contenus = [bytes(c) for c in PieceJointe.objects.filter(envoi__in=envois_a_poster(request.acces.antenne))
                .order_by("envoi__cree_le", "envoi_id", "rang").values_list("contenu", flat=True)]
    if not contenus:
        messages.info(request, "Aucun avis à poster.")
        return rediriger(request, reverse("convocations:echeances"))
    return reponse_pdf(assembler(contenus), "avis-a-poster.pdf")


# --- The dashboard and the orientation page's section ------------------------------------


def contexte_tableau(request, lignes: int) -> dict:
    antenne = request.acces.antenne
    if antenne is None or not request.acces.peut(Droit.LISTE_ATTENTE):
        return {}
    aujourd_hui = timezone.localdate()
    return {"blocs": echeances.tableau(antenne, aujourd_hui, lignes=lignes), "aujourd_hui": aujourd_hui}


def contexte_accueil(request, _objet=None) -> dict:
    """The home page's section (commun.encarts "accueil"): staff of the waiting list only (the
    notices to post are on the full page)."""
    return contexte_tableau(request, echeances.LIGNES_ENCART) | {"encart": True}


@droit_requis(Droit.LISTE_ATTENTE)
def tableau_echeances(request):
    contexte = contexte_tableau(request, echeances.LIGNES_PAGE)
    contexte["nb_a_poster"] = envois_a_poster(request.acces.antenne).count()
    return rendre(request, "convocations/echeances.html", contexte)


def contexte_orientation(request, orientation: Orientation) -> dict:
    """The orientation page's section: its notices, and the actions staff may take."""
    if not request.acces.peut(Droit.LISTE_ATTENTE):
        return {}
    return {
        "orientation": orientation,
        # Their orientation is the page's (read once, not once per notice).
        "avis": [setattr(un, "orientation", orientation) or un
                 for un in Avis.objects.filter(orientation=orientation).select_related("envoi")],
        "peut_aviser": orientation.prescripteur_id is not None and orientation.est_ouverte,
    }

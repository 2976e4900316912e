from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from commun import encarts
from stages.access import Droit, antenne_choisir, stages_visibles
from stages.models import Role, Seance, StatutStage
from stages.selectors import indicateurs_par_antenne


@login_required
def accueil(request):
    acces = request.acces
    contexte = {"aujourd_hui": timezone.localdate()}
    if acces.peut(Droit.INDICATEURS):
        contexte["indicateurs"] = indicateurs_par_antenne(acces)
    # What the apps above add (today's séances for the émargement), for whoever sees stages.
    contexte["encarts"] = encarts.encarts("accueil", request, None) if acces.peut(Droit.STAGES) else []
    if acces.role == Role.ANIMATEUR:
        contexte["prochaines_seances"] = prochaines_seances(request, contexte["aujourd_hui"])
    return render(request, "stages/accueil.html", contexte)


def prochaines_seances(request, aujourd_hui, nombre: int = 10) -> list[Seance]:
    """The next séances of the stages this animateur runs (cancelled ones left out)."""
    stages = stages_visibles(request).exclude(statut=StatutStage.ANNULE)
    return list(Seance.objects.filter(stage__in=stages, date__gte=aujourd_hui)
                .select_related("stage").order_by("date", "debut", "pk")[:nombre])


@login_required
@require_POST
def changer_antenne(request):
    """Switch the antenne in force among the user's own memberships only."""
    voulue = request.POST.get("antenne", "")
    membre = next(
        (m for m in request.acces.membres if str(m.antenne_id) == voulue and m.antenne_id),
        None,
    )
    if membre is None:
        messages.error(request, "Vous n'êtes pas membre de cette antenne.")
    else:
        antenne_choisir(request, membre)
        messages.success(request, f"Antenne en cours : {membre.antenne.nom}.")
        suivant = request.POST.get("suivant", "")
        if url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
            return redirect(suivant)  # where the switch was asked from (same site only)
    return redirect("stages:accueil")


class Deconnexion(LogoutView):
    """Logout, then the login page says so (the message goes in the new, empty session)."""

    def post(self, request, *args, **kwargs):
        reponse = super().post(request, *args, **kwargs)
        messages.info(request, "Vous êtes déconnecté·e.")
        return reponse

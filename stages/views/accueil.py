from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stages.access import CLE_SESSION, Droit
from stages.selectors import indicateurs_par_antenne


@login_required
def accueil(request):
    acces = request.acces
    contexte = {"aujourd_hui": timezone.localdate()}
    if acces.peut(Droit.INDICATEURS):
        contexte["indicateurs"] = indicateurs_par_antenne(acces)
    return render(request, "stages/accueil.html", contexte)


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
        request.session[CLE_SESSION] = membre.antenne_id
        messages.success(request, f"Antenne en cours : {membre.antenne.nom}.")
    return redirect("accueil")


class Deconnexion(LogoutView):
    """Logout, then the login page says so (the message goes in the new, empty session)."""

    def post(self, request, *args, **kwargs):
        reponse = super().post(request, *args, **kwargs)
        messages.info(request, "Vous êtes déconnecté·e.")
        return reponse

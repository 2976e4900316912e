"""The tablet kiosk. An animateur opens it for a stage of the day (`ouvrir`, `stage_kiosque`):
their staff session is closed and the tablet gets a session of its own, with no right, that
holds only the kiosk's token. From there only the kiosk's pages answer; every staff page asks
for a login, and none of the kiosk's pages is cached (Back, refresh and history show nothing
of an earlier participant). Leaving the kiosk, or taking one more answer, needs the password
of the staff member who opened it.

A form carries a one-time token, signed for this kiosk and used as the answer's key: a double
tap or a replay records one answer (`services.reponse_enregistrer`), a token not signed for
this kiosk is refused; showing a form writes nothing (no session write)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from convocations.presences import seances_du_jour
from convocations.selectors import nb_presents_du_jour
from questionnaires.forms import (
    FORMULAIRE_PERIME,
    KiosqueForm,
    MotDePasseForm,
    OuvrirKiosqueForm,
    jeton_signe,
)
from questionnaires.models import Passation
from questionnaires.services import (
    DejaEnregistree,
    KiosqueRefus,
    etat_du_kiosque,
    passation_ajouter_une_reponse,
    passation_fermer,
    passation_ouvrir,
    reponse_enregistrer,
)
from stages.access import Droit, droit_requis, meme_antenne, stage_ou_404
from stages.models import StatutStage

CLE_KIOSQUE = "kiosque"
RETOUR_APRES_MERCI = 6  # seconds


# --- Staff: opening the kiosk ---------------------------------------------------------------

@droit_requis(Droit.STAGES)
def ouvrir(request):
    """The stages of the day this user sees: the kiosk is opened for one of them."""
    stages = list({s.stage_id: s.stage for s in seances_du_jour(request, timezone.localdate())}.values())
    return render(request, "questionnaires/ouvrir.html", {"stages": stages})


@droit_requis(Droit.STAGES)
@meme_antenne
def stage_kiosque(request, stage_id: int):
    """How many are present (proposed from the attendance), then the kiosk. Only for a stage
    with a séance today."""
    stage = stage_ou_404(request, stage_id)
    aujourd_hui = timezone.localdate()
    du_jour = (stage.statut != StatutStage.ANNULE
               and stage.seances.filter(date=aujourd_hui).exists())
    if request.method == "POST" and du_jour:
        form = OuvrirKiosqueForm(request.POST)
        if form.is_valid():
            passation = passation_ouvrir(stage=stage, nb_presents=form.cleaned_data["nb_presents"],
                                         par=request.user, aujourd_hui=aujourd_hui)
            # The staff session ends here: the tablet's session holds the kiosk alone.
            logout(request)
            request.session[CLE_KIOSQUE] = passation.jeton
            return redirect("questionnaires:kiosque")
    else:
        form = OuvrirKiosqueForm(initial={"nb_presents": nb_presents_du_jour(stage, aujourd_hui) or None})
    return render(request, "questionnaires/stage_kiosque.html",
                  {"stage": stage, "form": form, "du_jour": du_jour})


# --- The kiosk itself -------------------------------------------------------------------------

def kiosque_requis(vue):
    """The kiosk's session, never cached. Without one: the login page (a staff member
    logged in goes to the opening page instead)."""

    @wraps(vue)
    def verifiee(request, *args, **kwargs):
        jeton = request.session.get(CLE_KIOSQUE)
        passation = None
        if jeton and not request.user.is_authenticated:
            passation = Passation.objects.select_related("questionnaire").filter(jeton=jeton).first()
        if passation is None:
            if request.user.is_authenticated:
                reponse = redirect("questionnaires:ouvrir")
            else:
                reponse = redirect_to_login(request.get_full_path())
        else:
            reponse = vue(request, passation, *args, **kwargs)
        add_never_cache_headers(reponse)
        return reponse

    return verifiee


def _sel(passation: Passation) -> str:
    return f"questionnaires.kiosque:{passation.jeton}"


def _fin(request, passation: Passation, message: str):
    return render(request, "questionnaires/kiosque_fin.html", {"message": message, "passation": passation})


@kiosque_requis
@require_http_methods(["GET", "POST"])
def kiosque(request, passation: Passation):
    aujourd_hui = timezone.localdate()
    if refus := etat_du_kiosque(passation, aujourd_hui):
        return _fin(request, passation, refus)
    questions, sel = list(passation.questionnaire.questions.all()), _sel(passation)
    if request.method != "POST":
        form = KiosqueForm(initial={"jeton": jeton_signe(sel)}, questions=questions, sel=sel)
        return render(request, "questionnaires/kiosque.html", {"form": form, "passation": passation})

    form = KiosqueForm(request.POST, questions=questions, sel=sel)
    if not form.is_valid():
        if "jeton" in form.errors:  # forged, damaged or too old: a fresh one, the answers kept
            donnees = request.POST.copy()
            donnees["jeton"] = jeton_signe(sel)
            form = KiosqueForm(donnees, questions=questions, sel=sel)
            form.is_valid()
            messages.warning(request, FORMULAIRE_PERIME)
        return render(request, "questionnaires/kiosque.html", {"form": form, "passation": passation})
    try:
        reponse_enregistrer(passation=passation, saisie=form.saisie(), aujourd_hui=aujourd_hui)
    except DejaEnregistree:
        messages.info(request, "Cette réponse était déjà enregistrée : elle ne compte qu'une fois.")
        return redirect("questionnaires:kiosque")
    except KiosqueRefus as refus:
        return _fin(request, passation, str(refus))
    return redirect("questionnaires:merci")


@kiosque_requis
@require_http_methods(["GET"])
def merci(request, passation: Passation):
    return render(request, "questionnaires/kiosque_merci.html",
                  {"passation": passation, "delai": RETOUR_APRES_MERCI})


def _personnel(request, passation: Passation, form: MotDePasseForm):
    """The staff member who opened the kiosk, if the password is theirs (django-axes counts
    the failures)."""
    if not form.is_valid():
        return None
    user = authenticate(request, username=passation.ouverte_par.get_username(),
                        password=form.cleaned_data["mot_de_passe"])
    if user is None:
        form.add_error("mot_de_passe", "Mot de passe incorrect.")
    return user


@kiosque_requis
@require_http_methods(["GET", "POST"])
def quitter(request, passation: Passation):
    """The staff password closes the kiosk and logs its owner back in (the stage's results)."""
    form = MotDePasseForm(request.POST or None)
    if request.method == "POST" and (user := _personnel(request, passation, form)):
        passation_fermer(passation=passation)
        logout(request)  # the kiosk's session goes
        login(request, user)
        messages.success(request, f"Kiosque fermé : {passation.nb_reponses} réponse(s) reçue(s) "
                                  f"pour {passation.nb_presents} personne(s) présente(s).")
        return redirect(reverse("questionnaires:stage_resultats", args=[passation.stage_id]))
    return render(request, "questionnaires/kiosque_mot_de_passe.html", {
        "form": form, "passation": passation, "titre": "Quitter le kiosque",
        "action": reverse("questionnaires:quitter"), "bouton": "Quitter le kiosque",
    })


@kiosque_requis
@require_http_methods(["GET", "POST"])
def ajouter(request, passation: Passation):
    """One more answer than the people announced (someone arrived late), with the password."""
    form = MotDePasseForm(request.POST or None)
    if request.method == "POST" and _personnel(request, passation, form):
        if not passation_ajouter_une_reponse(passation=passation, aujourd_hui=timezone.localdate()):
            return _fin(request, passation, "Ce kiosque est fermé ou a expiré.")
        messages.success(request, "Une réponse de plus est attendue.")
        return redirect("questionnaires:kiosque")
    return render(request, "questionnaires/kiosque_mot_de_passe.html", {
        "form": form, "passation": passation, "titre": "Ajouter une réponse",
        "action": reverse("questionnaires:ajouter"), "bouton": "Ajouter une réponse",
    })

"""Who may see what: the membership in force, rights per role, the antenne scope (the
trace of who read what is written by `services.tracer_consultation`).

Every read of personal data is scoped to the antenne in force, `request.acces.antenne`
(one of the user's own memberships): an object named by the URL is read by `objet_ou_404`,
lists, searches, duplicates and exports get that antenne and filter on it. A user of
antenne A thus gets a 404 or nothing for anything of antenne B, whatever URL or partial
asked (tests/test_acces_urls.py walks them all).
"""

from dataclasses import dataclass, field
from enum import StrEnum
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect

from stages.models import Antenne, Membre, Preference, Role, Stage

CLE_SESSION = "antenne_id"


class Droit(StrEnum):
    LISTE_ATTENTE = "liste_attente"  # read and manage orientations and personnes
    INDICATEURS = "indicateurs"  # figures without personal data
    STAGES = "stages"  # see the stages they run
    GERER_STAGES = "gerer_stages"  # plan, edit and cancel the antenne's stages


DROITS = {
    Role.COORDINATION: {Droit.INDICATEURS},
    Role.RESPONSABLE: {Droit.LISTE_ATTENTE, Droit.INDICATEURS, Droit.STAGES, Droit.GERER_STAGES},
    Role.SECRETARIAT: {Droit.LISTE_ATTENTE, Droit.INDICATEURS, Droit.STAGES, Droit.GERER_STAGES},
    Role.ANIMATEUR: {Droit.STAGES},
}


@dataclass(frozen=True)
class Acces:
    membres: list[Membre] = field(default_factory=list)
    membre: Membre | None = None

    @property
    def antenne(self) -> Antenne | None:
        return self.membre.antenne if self.membre else None

    @property
    def role(self) -> str | None:
        return self.membre.role if self.membre else None

    @property
    def droits(self) -> set[Droit]:
        return DROITS[self.membre.role] if self.membre else set()

    def peut(self, droit: Droit) -> bool:
        return droit in self.droits


def acces_de(request) -> Acces:
    if not request.user.is_authenticated:
        return Acces()
    # The last choice kept between logins comes with the memberships: no query more.
    membres = list(
        Membre.objects.filter(user=request.user)
        .select_related("antenne", "user__preference")
        .order_by("antenne__nom")
    )
    choisi = request.session.get(CLE_SESSION)
    if choisi is None and membres:
        choisi = derniere_antenne_choisie(membres[0].user)
    membre = next((m for m in membres if m.antenne_id == choisi), None)
    return Acces(membres=membres, membre=membre or (membres[0] if membres else None))


def derniere_antenne_choisie(user) -> int | None:
    try:
        return user.preference.antenne_id
    except Preference.DoesNotExist:
        return None


def antenne_choisir(request, membre: Membre) -> None:
    """The antenne in force for this session and, remembered, for the next logins."""
    request.session[CLE_SESSION] = membre.antenne_id
    Preference.objects.update_or_create(user=request.user, defaults={"antenne": membre.antenne})


class AccesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acces = SimpleLazyObject(lambda: acces_de(request))
        return self.get_response(request)


def droit_requis(droit: Droit):
    """Anonymous -> login page; logged in without the right -> 403."""

    def decorateur(vue):
        @wraps(vue)
        def verifiee(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.acces.peut(droit):
                raise PermissionDenied
            return vue(request, *args, **kwargs)

        return verifiee

    return decorateur


# The hidden field every staff form of the waiting list carries: the antenne it was opened in
# (the `antenne_du_formulaire` template tag writes it).
CHAMP_ANTENNE = "antenne_formulaire"


def meme_antenne(vue):
    """A POST must come from a form opened in the antenne in force: one opened in antenne A,
    sent after switching to B in another tab, is refused with a message, nothing saved in B.
    A form without the field, or naming an antenne of someone else, is refused outright.
    Goes under `@droit_requis`."""

    @wraps(vue)
    def verifiee(request, *args, **kwargs):
        if request.method != "POST":
            return vue(request, *args, **kwargs)
        antenne = request.acces.antenne
        ouverte = request.POST.get(CHAMP_ANTENNE, "")
        if antenne is not None and ouverte == str(antenne.pk):
            return vue(request, *args, **kwargs)
        autre = next((m.antenne for m in request.acces.membres
                      if m.antenne and str(m.antenne.pk) == ouverte), None)
        if autre is None:
            raise PermissionDenied
        messages.error(request, (
            f"Ce formulaire a été ouvert dans l'antenne « {autre.nom} », mais vous travaillez "
            f"maintenant dans l'antenne « {antenne.nom} » (changée dans un autre onglet ?) : "
            f"rien n'a été enregistré. Revenez à l'antenne « {autre.nom} » pour le renvoyer."
        ))
        adresse = reverse("stages:liste_attente")
        return HttpResponseClientRedirect(adresse) if request.htmx else redirect(adresse)

    return verifiee


def de_l_antenne(request, queryset: QuerySet) -> QuerySet:
    """Only the rows of the antenne in force for this request (none without one)."""
    antenne = request.acces.antenne
    if antenne is None:
        return queryset.none()
    return queryset.filter(antenne=antenne)


def objet_ou_404(request, modele_ou_queryset: type[Model] | QuerySet, **criteres):
    queryset = (
        modele_ou_queryset
        if isinstance(modele_ou_queryset, QuerySet)
        else modele_ou_queryset.objects.all()
    )
    return get_object_or_404(de_l_antenne(request, queryset), **criteres)


def antenne_ailleurs(request, modele: type[Model], droit: Droit, **criteres) -> Antenne | None:
    """Another antenne of the user's, where they have `droit`, holding the object that
    `objet_ou_404` did not find in the antenne in force; None otherwise (a plain 404 then,
    the same as for an object that does not exist)."""
    en_cours = request.acces.antenne
    autres = {
        m.antenne_id: m.antenne for m in request.acces.membres
        if m.antenne_id and m.antenne != en_cours and droit in DROITS[m.role]
    }
    if not autres:
        return None
    trouvee = (modele.objects.filter(antenne_id__in=autres, **criteres)
               .values_list("antenne_id", flat=True).first())
    return autres.get(trouvee)


def stages_visibles(request, stages: QuerySet[Stage] | None = None) -> QuerySet[Stage]:
    """The stages (of `stages`, all by default) of the antenne in force this user may see:
    all of them for its staff, only those they run for an animateur (a stage's
    `animateurs`), none without the right."""
    acces = request.acces
    stages = Stage.objects.all() if stages is None else stages
    if acces.antenne is None or not acces.peut(Droit.STAGES):
        return stages.none()
    stages = stages.filter(antenne=acces.antenne)
    if not acces.peut(Droit.GERER_STAGES):
        stages = stages.filter(animateurs=acces.membre)
    return stages


def stage_ou_404(request, stage_id: int, queryset: QuerySet[Stage] | None = None) -> Stage:
    """A stage named by the URL, among `stages_visibles` (404 otherwise: another antenne's,
    or one this animateur does not run, is not told apart from one that does not exist)."""
    return get_object_or_404(stages_visibles(request, queryset), pk=stage_id)

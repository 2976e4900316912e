"""The stages screens: the list (upcoming, past), the month, a new stage from its format, the
stage page (with the sections the apps above add: `commun.encarts`), its edit, its séances,
its cancellation. Staff of the antenne plan; an animateur reads the stages they run."""

import calendar
from copy import copy
from datetime import date
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from commun import encarts
from commun.htmx import rendre
from stages import planning
from stages.access import Droit, droit_requis, meme_antenne, stage_ou_404, stages_visibles
from stages.dates import DATE_MAX, DATE_MIN, MOIS
from stages.formulaires_stage import (
    AnnulationForm,
    JustificationForm,
    PreparationForm,
    StageForm,
    montrer_refus_general,
    seances_formset,
    valeurs_initiales_du_stage,
)
from stages.historique import historique_stage
from stages.models import Membre, Seance, Stage, StatutStage

PAR_PAGE = 20


def _vers(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _avec_animateurs(stages):
    return stages.select_related("antenne").prefetch_related(
        Prefetch("animateurs", queryset=Membre.objects.select_related("user").order_by("user__last_name"))
    )


def _avec_comptes(stages) -> list[Stage]:
    """The counts the apps above annotate (none yet: « — »)."""
    stages = list(stages)
    for stage in stages:
        stage.convoques_affiches = getattr(stage, "nb_convoques", None)
        stage.confirmes_affiches = getattr(stage, "nb_confirmes", None)
    return stages


@droit_requis(Droit.STAGES)
def stages_liste(request):
    """Upcoming stages (not over yet) in date order, then the past ones, latest first, a page
    at a time; each row with what the apps above count (`nb_convoques`, `nb_confirmes`)."""
    aujourd_hui = timezone.localdate()
    visibles = encarts.annoter("stages", stages_visibles(request))
    a_venir = _avec_comptes(visibles.filter(Q(dernier_jour__gte=aujourd_hui) | Q(dernier_jour__isnull=True))
                            .order_by("premier_jour", "pk"))
    passes = Paginator(visibles.filter(dernier_jour__lt=aujourd_hui).order_by("-premier_jour", "-pk"),
                       PAR_PAGE).get_page(request.GET.get("page"))
    passes.object_list = _avec_comptes(passes.object_list)
    return rendre(request, "stages/stages.html", {
        "a_venir": a_venir, "passes": passes, "aujourd_hui": aujourd_hui,
        "peut_gerer": request.acces.peut(Droit.GERER_STAGES),
    }, fragment="passes")


def _mois_voisin(annee: int, mois: int, ecart: int) -> tuple[int, int] | None:
    index = annee * 12 + mois - 1 + ecart
    voisin = (index // 12, index % 12 + 1)
    return voisin if DATE_MIN.year <= voisin[0] <= DATE_MAX.year else None


@droit_requis(Droit.STAGES)
def stages_mois(request, annee: int, mois: int):
    """The séances of the month, day by day, with the Sundays and public holidays flagged."""
    if not (1 <= mois <= 12 and DATE_MIN.year <= annee <= DATE_MAX.year):
        raise Http404("Ce mois n'existe pas.")
    debut, fin = date(annee, mois, 1), date(annee, mois, calendar.monthrange(annee, mois)[1])
    seances = list(
        Seance.objects.filter(stage__in=stages_visibles(request), date__range=(debut, fin))
        .select_related("stage").order_by("date", "debut", "pk")
    )
    departement = request.acces.antenne.departement if request.acces.antenne else ""
    jours = [
        {"date": jour, "signalement": planning.signalement_du_jour(jour, departement),
         "seances": list(du_jour)}
        for jour, du_jour in groupby(seances, key=lambda s: s.date)
    ]
    precedent, suivant = _mois_voisin(annee, mois, -1), _mois_voisin(annee, mois, 1)
    return rendre(request, "stages/stages_mois.html", {
        "jours": jours, "titre_mois": f"{MOIS[mois - 1]} {annee}", "precedent": precedent,
        "suivant": suivant, "nom_precedent": precedent and f"{MOIS[precedent[1] - 1]} {precedent[0]}",
        "nom_suivant": suivant and f"{MOIS[suivant[1] - 1]} {suivant[0]}",
    }, fragment="mois")


def _seances_initiales(seances) -> list[dict]:
    return [{"id": s.id, "date": s.date, "debut": s.debut, "fin": s.fin,
             "pauses_minutes": s.pauses_minutes, "module": s.module} for s in seances]


def _initiales_du_post(form_class, post, **kwargs) -> dict:
    """What the user typed in a form that is shown again, not yet judged (no error shown)."""
    noms = form_class(**kwargs).fields
    return {nom: post.getlist(nom) if nom == "animateurs" else post.get(nom, "")
            for nom in noms if nom in post}


@droit_requis(Droit.GERER_STAGES)
@meme_antenne
def stage_nouveau(request):
    """A first date and a format pre-fill the séances (« Préparer les séances », htmx swaps
    them in, or the page comes back whole), which staff may edit before « Créer le stage »."""
    antenne = request.acces.antenne
    departement = antenne.departement
    post = request.POST if request.method == "POST" else None
    if post is not None and "creer" not in post:
        preparation = PreparationForm(post, antenne=antenne)
    else:  # the dates typed come back, not judged: the séances are what is created
        tapees = _initiales_du_post(PreparationForm, post or {}, antenne=antenne)
        preparation = PreparationForm(initial=tapees, antenne=antenne)
    if post is not None and "creer" in post:
        form = StageForm(post, antenne=antenne)
        seances = seances_formset(post, departement=departement)
        justification = JustificationForm(post)
        if all([form.is_valid(), seances.is_valid(), justification.is_valid()]):
            try:
                stage = planning.stage_creer(
                    antenne=antenne, stage=form.save(commit=False), seances=seances.saisies(),
                    animateurs=form.cleaned_data["animateurs"],
                    justification_duree=justification.cleaned_data["justification_duree"],
                )
            except planning.SeancesRefusees as refus:
                seances.montrer_refus(refus.refus, justification)
            except ValidationError as erreur:
                montrer_refus_general(form, erreur)
            else:
                messages.success(request, f"{stage} créé.")
                return _vers(request, reverse("stages:stage", args=[stage.pk]))
    else:
        # Not judged yet: what was typed comes back without any error.
        initiales = (_initiales_du_post(StageForm, post, antenne=antenne) if post is not None
                     else valeurs_initiales_du_stage(antenne))
        form = StageForm(initial=initiales, antenne=antenne)
        justification = JustificationForm(
            initial={"justification_duree": (post or {}).get("justification_duree", "")})
        seances = seances_formset(departement=departement)
        if post is not None and preparation.is_valid():
            seances = seances_formset(initial=_seances_initiales(planning.seances_du_format(
                antenne=antenne, format_stage=preparation.cleaned_data["format_stage"],
                premier_jour=preparation.cleaned_data["premier_jour"],
            )), departement=departement)
    return rendre(request, "stages/stage_nouveau.html", {
        "preparation": preparation, "form": form, "seances": seances,
        "justification": justification, "prepare": post is not None,
    }, fragment="seances" if post is not None and "preparer" in post else None)


def _stage_page(request, stage_id: int) -> Stage:
    # With what the apps above read in the same query for their sections (the fee, the balance).
    return stage_ou_404(request, stage_id, encarts.annoter("stage", _avec_animateurs(Stage.objects.all())))


@droit_requis(Droit.STAGES)
def stage(request, stage_id: int):
    stage = _stage_page(request, stage_id)
    seances = list(stage.seances.all())
    departement = stage.antenne.departement
    par_jour = planning.minutes_par_jour(seances)
    lignes = [{
        "seance": s, "signalement": planning.signalement_du_jour(s.date, departement),
        "heures": planning.heures(s.minutes_de_formation),
        "jour_trop_long": par_jour[s.date] > planning.MINUTES_PAR_JOUR_MAX,
    } for s in seances]
    return rendre(request, "stages/stage.html", {
        "stage": stage, "lignes": lignes,
        "total": planning.heures(sum(par_jour.values())),
        "avertissements": planning.avertissements(stage, seances),
        "encarts": encarts.encarts("stage", request, stage),
        "historique": historique_stage(stage),
        "peut_gerer": request.acces.peut(Droit.GERER_STAGES) and stage.statut not in planning.STATUTS_FIGES,
    })


def _refus_si_fige(request, stage: Stage):
    """A cancelled or closed stage does not change: back to its page, saying so."""
    if stage.statut in planning.STATUTS_FIGES:
        messages.error(request, f"Ce stage est {stage.get_statut_display().lower()} : il ne se modifie plus.")
        return _vers(request, reverse("stages:stage", args=[stage.pk]))
    return None


@droit_requis(Droit.GERER_STAGES)
@meme_antenne
def stage_modifier(request, stage_id: int):
    stage = _stage_page(request, stage_id)
    if refus := _refus_si_fige(request, stage):
        return refus
    form = StageForm(request.POST if request.method == "POST" else None, instance=copy(stage),
                     antenne=stage.antenne)
    if form.is_bound and form.is_valid():
        try:
            planning.stage_modifier(stage=stage, champs=form.champs(),
                                    animateurs=form.cleaned_data["animateurs"])
        except ValidationError as erreur:
            montrer_refus_general(form, erreur)
        else:
            messages.success(request, "Modifications enregistrées.")
            return _vers(request, reverse("stages:stage", args=[stage.pk]))
    return rendre(request, "stages/stage_form.html", {"stage": stage, "form": form})


@droit_requis(Droit.GERER_STAGES)
@meme_antenne
def stage_seances(request, stage_id: int):
    """Add, move or remove séances; the convocations app hears of it (`seances_modifiees`)."""
    stage = _stage_page(request, stage_id)
    if refus := _refus_si_fige(request, stage):
        return refus
    departement = stage.antenne.departement
    if request.method == "POST":
        seances = seances_formset(request.POST, departement=departement)
        justification = JustificationForm(request.POST)
        if seances.is_valid() and justification.is_valid():
            try:
                planning.seances_enregistrer(
                    stage=stage, seances=seances.saisies(),
                    justification_duree=justification.cleaned_data["justification_duree"],
                )
            except planning.SeancesRefusees as refus:
                seances.montrer_refus(refus.refus, justification)
            except ValidationError as erreur:
                justification.add_error(None, erreur)
            else:
                messages.success(request, "Séances enregistrées.")
                return _vers(request, reverse("stages:stage", args=[stage.pk]))
    else:
        seances = seances_formset(initial=_seances_initiales(stage.seances.all()), departement=departement)
        justification = JustificationForm(initial={"justification_duree": stage.justification_duree})
    return rendre(request, "stages/stage_seances.html", {
        "stage": stage, "seances": seances, "justification": justification,
        # What the apps above say before séances move (who gets an updated calendar file).
        "encarts": encarts.encarts("stage_seances", request, stage),
    })


@droit_requis(Droit.GERER_STAGES)
@meme_antenne
def stage_annuler(request, stage_id: int):
    """GET: the confirmation page, with the reason to give; POST: cancel (never deleted)."""
    stage = _stage_page(request, stage_id)
    if refus := _refus_si_fige(request, stage):
        return refus
    form = AnnulationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            planning.stage_annuler(stage=stage, motif=form.cleaned_data["motif"])
        except ValidationError as erreur:
            montrer_refus_general(form, erreur)
        else:
            messages.success(request, f"{stage} annulé.")
            return _vers(request, reverse("stages:stage", args=[stage.pk]))
    return rendre(request, "stages/stage_annuler.html", {"stage": stage, "form": form,
                                                        "statut_annule": StatutStage.ANNULE})

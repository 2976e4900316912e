"""Letters, calendar files and sending of a stage's convocations; the antenne's letter
wording. Staff of the stage's antenne only (personal data); the calendar feed answers its
secret address alone (calendars cannot log in)."""

import secrets

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from commun import calendrier
from commun.documents import reponse_pdf
from commun.htmx import rendre
from convocations import documents, envois
from convocations.forms import FormulaireModeleLettre
from convocations.models import STATUTS_OUVERTS, Convocation, FluxCalendrier, LotEnvoi
from convocations.views.acces import convocation_ou_404, rediriger, stage_ou_404
from stages.access import Droit, droit_requis, meme_antenne
from stages.models import Stage, StatutStage


def _ics(contenu: bytes, nom: str) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type=f"{calendrier.TYPE_MIME}; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


# --- The stage's section (an encart of the stage page) and its own page -----------------


def contexte_mise_a_jour(request, stage: Stage) -> dict:
    """Before séances are saved: who will get an updated letter and calendar file."""
    return {"destinataires": envois.destinataires_mise_a_jour(stage)}


def contexte_encart(request, stage: Stage) -> dict:
    """What the stage page shows of sending: counts, failures, the last batch, the links."""
    contexte = {"stage": stage}
    # The open convocations, the feed's token and the last batch in one query (the stage
    # page's budget).
    ouvertes = Convocation.objects.filter(stage=OuterRef("pk"), statut__in=STATUTS_OUVERTS)
    # Latest first (Meta.ordering); the stage's attestations have batches of their own.
    dernier_lot = LotEnvoi.objects.filter(stage=OuterRef("pk"), nature=LotEnvoi.Nature.CONVOCATIONS)
    lu = Stage.objects.filter(pk=stage.pk).values(
        ouvertes=Coalesce(Subquery(ouvertes.values("stage").annotate(n=Count("pk")).values("n")), 0),
        jeton=Subquery(FluxCalendrier.objects.filter(stage=OuterRef("pk")).values("jeton")),
        lot_pk=Subquery(dernier_lot.values("pk")[:1]),
        lot_etat=Subquery(dernier_lot.values("etat")[:1]),
        lot_message=Subquery(dernier_lot.values("message")[:1]),
    ).get()
    if request.acces.peut(Droit.LISTE_ATTENTE):
        lot = lu["lot_pk"] and LotEnvoi(pk=lu["lot_pk"], stage=stage, etat=lu["lot_etat"],
                                        message=lu["lot_message"])
        contexte |= {
            "personnel": True,
            "bilan": envois.bilan_envois(stage),
            "lot": lot or None,
            "ouvertes": lu["ouvertes"],
            "envoyable": stage.statut in (StatutStage.PLANIFIE, StatutStage.CONVOCATIONS_ENVOYEES),
        }
    if lu["jeton"] is not None:
        contexte["adresse_flux"] = request.build_absolute_uri(
            reverse("convocations:flux_stage", args=[lu["jeton"]])
        )
    return contexte


@droit_requis(Droit.LISTE_ATTENTE)
def stage_envois(request, stage_id: int):
    stage = stage_ou_404(request, stage_id)
    return rendre(request, "convocations/stage_envois.html", contexte_encart(request, stage), "encart")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def stage_envoyer(request, stage_id: int):
    """ "Envoyer les convocations": the worker sends them; the page follows its progress.
    A GET (a link followed) shows the stage's sending page, where the button is."""
    stage = stage_ou_404(request, stage_id)
    if request.method != "POST":
        return redirect("convocations:stage_envois", stage.pk)
    if not stage.seances.exists():
        messages.error(request, "Ce stage n'a aucune séance : ajoutez-les avant d'envoyer les convocations.")
        return rediriger(request, reverse("convocations:stage_envois", args=[stage.pk]))
    if stage.statut not in (StatutStage.PLANIFIE, StatutStage.CONVOCATIONS_ENVOYEES):
        messages.error(
            request, f"Ce stage est « {stage.get_statut_display().lower()} » : plus d'envoi possible."
        )
        return rediriger(request, reverse("convocations:stage_envois", args=[stage.pk]))
    lot = envois.lot_demander(stage=stage, user=request.user)
    return rediriger(request, reverse("convocations:lot_suivi", args=[lot.pk]))


@droit_requis(Droit.LISTE_ATTENTE)
def lot_suivi(request, lot_envoi_id: int):
    """A batch's progress (the fragment polls while it runs), then its result."""
    antenne = request.acces.antenne
    lot = get_object_or_404(LotEnvoi.objects.select_related("stage"), pk=lot_envoi_id, stage__antenne=antenne)
    return rendre(request, "convocations/lot_suivi.html", {"lot": lot, "Etat": LotEnvoi.Etat}, "suivi")


@droit_requis(Droit.LISTE_ATTENTE)
def stage_lettres(request, stage_id: int):
    """Every open convocation's letter, one PDF to print."""
    stage = stage_ou_404(request, stage_id)
    convocations = list(envois.convocations_ouvertes(stage))
    if not convocations:
        messages.info(request, "Aucune convocation en cours sur ce stage : aucune lettre à imprimer.")
        return redirect("convocations:stage_envois", stage.pk)
    return reponse_pdf(documents.lettres_stage(convocations, stage=stage),
                       f"convocations-stage-{stage.pk}.pdf")


@droit_requis(Droit.LISTE_ATTENTE)
def stage_a_poster(request, stage_id: int):
    """The print batch: the letters of the people without e-mail, as prepared for sending."""
    stage = stage_ou_404(request, stage_id)
    pdf = envois.lettres_a_poster(stage)
    if pdf is None:
        messages.info(request, "Aucune lettre à poster pour ce stage.")
        return redirect("convocations:stage_envois", stage.pk)
    return reponse_pdf(pdf, f"a-poster-stage-{stage.pk}.pdf", en_ligne=False)


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def stage_flux_regenerer(request, stage_id: int):
    """A new secret address for the stage's calendar feed; the old one stops answering."""
    stage = stage_ou_404(request, stage_id)
    if request.method != "POST":
        return redirect("convocations:stage_envois", stage.pk)
    FluxCalendrier.objects.update_or_create(stage=stage, defaults={"jeton": secrets.token_urlsafe(32)})
    messages.success(request, "Nouvelle adresse d'agenda créée : l'ancienne ne fonctionne plus.")
    return rediriger(request, reverse("convocations:stage_envois", args=[stage.pk]))


def flux_stage(request, jeton: str):
    """The stage's feed (METHOD:PUBLISH) at its secret address: séances, place, animateurs'
    first names, a count; no person's data."""
    flux = get_object_or_404(FluxCalendrier.objects.select_related("stage__antenne"), jeton=jeton)
    stage = flux.stage
    prenoms = [m.user.first_name for m in stage.animateurs.select_related("user") if m.user.first_name]
    convoques = Convocation.objects.filter(stage=stage, statut__in=STATUTS_OUVERTS).count()
    return _ics(
        documents.ics_flux_stage(stage, prenoms_animateurs=prenoms, convoques=convoques),
        f"stage-{stage.pk}.ics",
    )


@droit_requis(Droit.LISTE_ATTENTE)
def convocation_lettre(request, convocation_id: int):
    convocation = convocation_ou_404(request, convocation_id)
    return reponse_pdf(documents.lettre_convocation(convocation), f"convocation-{convocation.pk}.pdf")


@droit_requis(Droit.LISTE_ATTENTE)
def convocation_ics(request, convocation_id: int):
    convocation = convocation_ou_404(request, convocation_id)
    return _ics(documents.ics_convocation(convocation), f"convocation-{convocation.pk}.ics")


# --- The antenne's wording ----------------------------------------------------------------


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def lettre_modele(request):
    """The letter's paragraphs of the antenne in force; "Aperçu" shows a sample letter."""
    antenne = request.acces.antenne
    modele = documents.modele_de(antenne)
    form = FormulaireModeleLettre(request.POST or None, instance=modele)
    if request.method == "POST" and form.is_valid():
        if "apercu" in request.POST:
            return reponse_pdf(documents.lettre_exemple(antenne, form.save(commit=False)),
                               "apercu-convocation.pdf")
        modele = form.save(commit=False)
        modele._change_reason = "Texte de la lettre de convocation modifié"
        modele.save()
        messages.success(request, "Texte de la lettre de convocation enregistré.")
        return redirect("convocations:lettre_modele")
    return rendre(
        request,
        "convocations/lettre_modele.html",
        {"form": form, "variables": documents.VARIABLES, "objet": documents.OBJET},
        "formulaire",
    )

"""Attestations de stage: a stage's page (issue, print for the people, send to the
prescripteurs through the worker), one attestation's PDF as issued, its correction, the
antenne's list « à envoyer par courrier ». Staff of the stage's antenne only (personal data):
another antenne's attestation is a 404, like everything else."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from commun.documents import assembler, reponse_pdf
from commun.htmx import rendre
from convocations.forms import CorrectionAttestationForm
from convocations.models import Attestation
from convocations.presences import convocations_listees
from convocations.services import attestations as service
from convocations.views.acces import convocation_ou_404, rediriger, stage_ou_404
from stages.access import Droit, droit_requis, meme_antenne
from stages.models import Stage

GABARIT = "convocations/attestations_stage.html"

PREVENIR = "Prévenez l'administrateur : elle ne peut pas être servie."


def _attestation_ou_404(request, attestation_id: int) -> Attestation:
    antenne = request.acces.antenne
    attestations = Attestation.objects.select_related(
        "convocation__stage__antenne", "convocation__orientation__personne",
        "convocation__orientation__prescripteur")
    attestations = attestations.filter(antenne=antenne) if antenne else attestations.none()
    return get_object_or_404(attestations, pk=attestation_id)


def _page(stage: Stage) -> str:
    return reverse("convocations:stage_attestations", args=[stage.pk])


def contexte_stage(request, stage: Stage) -> dict:
    """The stage's people with their attestation (the valid one) and its sending: three
    queries whatever their number."""
    valides = Attestation.objects.filter(annulee_le__isnull=True)
    convocations = list(convocations_listees(stage).select_related("orientation__prescripteur")
                        .prefetch_related(Prefetch("attestations", queryset=valides, to_attr="valides")))
    ids = [c.valides[0].pk for c in convocations if c.valides]
    envois = {e.objet_id: e for e in service.envois_d_attestations().filter(objet_id__in=ids)} if ids else {}
    lignes = []
    for convocation in convocations:
        attestation = convocation.valides[0] if convocation.valides else None
        lignes.append({"convocation": convocation, "attestation": attestation,
                       "envoi": envois.get(attestation.pk) if attestation else None,
                       "effectuee": convocation.statut == "effectuee"})
    a_emettre = sum(ligne["effectuee"] and ligne["attestation"] is None for ligne in lignes)
    return {"stage": stage, "lignes": lignes, "a_emettre": a_emettre,
            "nb_effectuees": sum(ligne["effectuee"] for ligne in lignes),
            "entretien_bilan": service.reglage_de(stage.antenne).entretien_bilan}


@droit_requis(Droit.LISTE_ATTENTE)
def stage_attestations(request, stage_id: int):
    stage = stage_ou_404(request, stage_id)
    return rendre(request, GABARIT, contexte_stage(request, stage), "liste")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def attestation_emettre_vue(request, convocation_id: int):
    """POST: issue the convocation's attestation (once: a double click finds it issued);
    refused, with what is missing, for someone who did not attend every séance."""
    convocation = convocation_ou_404(request, convocation_id)
    page = _page(convocation.stage)
    if request.method != "POST":
        return redirect(page)
    try:
        attestation, cree = service.attestation_emettre(convocation=convocation, par=request.user)
    except ValidationError as refus:
        messages.error(request, " ".join(refus.messages))
    else:
        if cree:
            messages.success(request, f"Attestation n° {attestation.numero} émise pour "
                                      f"{convocation.orientation.personne}.")
        else:
            messages.info(request, f"L'attestation n° {attestation.numero} était déjà émise.")
    return rediriger(request, page)


@droit_requis(Droit.LISTE_ATTENTE)
def attestation_pdf(request, attestation_id: int):
    """The PDF as issued (the same bytes at every download), from the private folder."""
    attestation = _attestation_ou_404(request, attestation_id)
    try:
        contenu = service.attestation_lire(attestation)
    except service.AttestationAlteree as erreur:
        messages.error(request, f"{erreur} {PREVENIR}")
        return redirect(_page(attestation.convocation.stage))
    return reponse_pdf(contenu, f"attestation-{attestation.numero}.pdf")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def attestation_corriger_vue(request, attestation_id: int):
    """A new attestation that cancels this one (a motif asked, confirmed by the button)."""
    attestation = _attestation_ou_404(request, attestation_id)
    form = CorrectionAttestationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nouvelle = service.attestation_corriger(attestation=attestation, motif=form.cleaned_data["motif"],
                                                    par=request.user)
        except ValidationError as refus:
            if hasattr(refus, "error_dict"):
                form.add_error(None, refus)
            else:
                messages.error(request, " ".join(refus.messages))
                return rediriger(request, _page(attestation.convocation.stage))
        else:
            messages.success(request, f"Attestation n° {nouvelle.numero} émise : elle annule et remplace "
                                      f"le n° {attestation.numero}.")
            return rediriger(request, _page(attestation.convocation.stage))
    return rendre(request, "convocations/attestation_corriger.html",
                  {"attestation": attestation, "form": form}, "formulaire")


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def stage_attestations_envoyer(request, stage_id: int):
    """Every attestation of the stage, issued and sent by the worker; the page follows its
    progress (the convocations' batch page)."""
    stage = stage_ou_404(request, stage_id)
    if request.method != "POST":
        return redirect(_page(stage))
    if not service.convocations_a_attester(stage).exists():
        messages.error(request, "Personne n'a encore suivi toutes les séances de ce stage : "
                                "aucune attestation à envoyer.")
        return rediriger(request, _page(stage))
    lot = service.lot_attestations_demander(stage=stage, user=request.user)
    return rediriger(request, reverse("convocations:lot_suivi", args=[lot.pk]))


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def stage_attestations_imprimer(request, stage_id: int):
    """POST: the attestations of everyone who attended every séance, issued if not yet, in
    one PDF to print and hand over at the end of the stage."""
    stage = stage_ou_404(request, stage_id)
    if request.method != "POST":
        return redirect(_page(stage))
    attestations, refus = service.attestations_imprimer(stage=stage, par=request.user)
    for texte in refus:
        messages.error(request, texte)
    if not attestations:
        messages.info(request, "Aucune attestation à imprimer : personne n'a encore suivi toutes "
                               "les séances.")
        return rediriger(request, _page(stage))
    try:
        contenu = assembler([service.attestation_lire(a) for a in attestations])
    except service.AttestationAlteree as alteree:
        messages.error(request, f"{alteree} {PREVENIR}")
        return rediriger(request, _page(stage))
    return reponse_pdf(contenu, f"attestations-stage-{stage.pk}.pdf", en_ligne=False)


# --- The antenne's attestations to post --------------------------------------------------


@droit_requis(Droit.LISTE_ATTENTE)
def attestations_courrier(request):
    envois = service.a_envoyer_par_courrier(request.acces.antenne)
    return rendre(request, "convocations/attestations_courrier.html", {"envois": envois})


@droit_requis(Droit.LISTE_ATTENTE)
def attestations_courrier_pdf(request):
    """Each cover letter followed by its attestation, as prepared for the post."""
    envois = service.a_envoyer_par_courrier(request.acces.antenne)
    pieces = [bytes(p.contenu) for envoi in envois for p in envoi.pieces.all()]
    if not pieces:
        messages.info(request, "Aucune attestation à envoyer par courrier.")
        return redirect("convocations:attestations_courrier")
    return reponse_pdf(assembler(pieces), "attestations-a-poster.pdf", en_ligne=False)


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def envoi_poste(request, envoi_id: int):
    """POST: this attestation is in the post (the orientation is then « terminée »)."""
    antenne = request.acces.antenne
    attestations = Attestation.objects.filter(antenne=antenne) if antenne else Attestation.objects.none()
    envois = service.envois_d_attestations().filter(objet_id__in=attestations.values("pk"))
    envoi = get_object_or_404(envois, pk=envoi_id)
    if request.method != "POST":
        return redirect("convocations:attestations_courrier")
    try:
        service.envoi_marquer_poste(envoi=envoi, par=request.user)
    except ValidationError as refus:
        messages.error(request, " ".join(refus.messages))
    else:
        messages.success(request, f"{envoi.sujet} : postée, l'orientation est terminée.")
    return rediriger(request, reverse("convocations:attestations_courrier"))


# --- What the stage and orientation pages show (commun.encarts) ----------------------------


def contexte_encart_stage(request, stage: Stage) -> dict:
    """The link to the stage's attestations, for whoever manages the antenne's people: no
    query (the stage page's budget of 12 is spent; the counts are on the attestations page)."""
    return {"stage": stage, "cache": not request.acces.peut(Droit.LISTE_ATTENTE)}

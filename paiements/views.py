"""The payments pages: an orientation's payments (record, cancel, receipts), the sum due,
the accountant's follow-up with its exports, the antenne's fee setting. Thin: a form, the
access check, a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from commun.documents import reponse_pdf
from commun.htmx import rendre
from commun.tableurs import ecrire_xlsx, morceaux_csv, reponse_csv, reponse_xlsx
from paiements import documents, selectors
from paiements.forms import (
    AnnulationForm,
    EcheanceForm,
    EffacerEcheancierForm,
    PaiementForm,
    SommeDueForm,
    TarifForm,
    TranchesFormSet,
)
from paiements.models import NatureRecu, Paiement, Recu
from paiements.services import echeance_ajouter as echeance_ajouter_
from paiements.services import echeancier_effacer, paiement_annuler, paiement_enregistrer, somme_due_fixer
from paiements.suivi import Periode, lignes_export, suivi_de
from stages.access import Droit, droit_requis, meme_antenne, objet_ou_404, stage_ou_404
from stages.models import Consultation, Orientation
from stages.services import tracer_consultation


def _orientation(request, orientation_id: int) -> Orientation:
    return objet_ou_404(request, Orientation.objects.select_related("personne", "antenne"), pk=orientation_id)


def page_des_paiements(orientation: Orientation) -> str:
    return reverse("paiements:orientation", args=[orientation.pk])


def _page(request, orientation: Orientation, *, form=None, form_somme=None, form_echeance=None,
          form_effacer=None, status=200):
    tracer_consultation(request, Consultation.Objet.FICHE, orientation=orientation, detail="Paiements")
    somme = selectors.somme_due_de(orientation)
    solde = selectors.solde_de(orientation)
    return rendre(request, "paiements/orientation.html", {
        "orientation": orientation, "personne": orientation.personne, "solde": solde, "somme": somme,
        "echeancier": selectors.echeancier_de(orientation, paye=solde.paye, aujourd_hui=timezone.localdate()),
        "form_echeance": form_echeance or EcheanceForm(),
        "form_effacer": form_effacer or EffacerEcheancierForm(),
        "paiements": selectors.paiements_de(orientation),
        "form": form or PaiementForm(), "form_somme": form_somme or SommeDueForm(
            instance=somme, antenne=orientation.antenne),
    }, "formulaire", status=status)


@droit_requis(Droit.LISTE_ATTENTE)
def orientation(request, orientation_id: int):
    return _page(request, _orientation(request, orientation_id))


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def enregistrer(request, orientation_id: int):
    orientation = _orientation(request, orientation_id)
    if request.method != "POST":
        return _page(request, orientation)
    form = PaiementForm(request.POST)
    if form.is_valid():
        donnees = form.cleaned_data
        try:
            paiement, cree = paiement_enregistrer(
                orientation=orientation, date_paiement=donnees["date"], montant_=donnees["montant"],
                mode=donnees["mode"], numero_cheque=donnees["numero_cheque"], banque=donnees["banque"],
                par=request.user, cle=donnees["cle"],
            )
        except ValidationError as refus:
            form.add_error(None, refus)
        else:
            recu = paiement.recus.get(nature=NatureRecu.PAIEMENT)
            if cree:
                messages.success(request, f"Paiement enregistré : reçu n° {recu.numero}.")
            else:
                messages.info(request, f"Ce paiement était déjà enregistré (reçu n° {recu.numero}) : "
                                       "il ne l'a pas été une seconde fois.")
            return redirect(page_des_paiements(orientation))
    return _page(request, orientation, form=form)


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def somme_due(request, orientation_id: int):
    orientation = _orientation(request, orientation_id)
    if request.method != "POST":
        return _page(request, orientation)
    somme = selectors.somme_due_de(orientation)
    form = SommeDueForm(request.POST, instance=somme, antenne=orientation.antenne)
    if form.is_valid():
        donnees = form.cleaned_data
        try:
            somme_due_fixer(orientation=orientation, regime=donnees["regime"], tranche=donnees["tranche"],
                            justification=donnees["justification"], motif_gratuite=donnees["motif_gratuite"],
                            motif=donnees["motif"])
        except ValidationError as refus:
            form.add_error(None, refus)
        else:
            messages.success(request, "Somme due enregistrée.")
            return redirect(page_des_paiements(orientation))
    orientation.refresh_from_db()
    return _page(request, orientation, form_somme=form)


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def echeance_ajouter(request, orientation_id: int):
    orientation = _orientation(request, orientation_id)
    if request.method != "POST":
        return _page(request, orientation)
    form = EcheanceForm(request.POST)
    if form.is_valid():
        try:
            echeance_ajouter_(orientation=orientation, date_echeance=form.cleaned_data["date"],
                              montant_=form.cleaned_data["montant"])
        except ValidationError as refus:
            form.add_error(None, refus)
        else:
            messages.success(request, "Échéance ajoutée.")
            return redirect(page_des_paiements(orientation))
    return _page(request, orientation, form_echeance=form)


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def echeancier_effacer_vue(request, orientation_id: int):
    orientation = _orientation(request, orientation_id)
    if request.method != "POST":
        return _page(request, orientation)
    form = EffacerEcheancierForm(request.POST)
    if not form.is_valid():
        return _page(request, orientation, form_effacer=form)
    nombre = echeancier_effacer(orientation=orientation)
    messages.success(request, f"Échéancier effacé ({nombre} échéance{'s' if nombre > 1 else ''}).")
    return redirect(page_des_paiements(orientation))


@droit_requis(Droit.LISTE_ATTENTE)
@meme_antenne
def annuler(request, paiement_id: int):
    paiement = objet_ou_404(request, Paiement.objects.select_related("orientation__personne"), pk=paiement_id)
    retour = page_des_paiements(paiement.orientation)
    if paiement.annule:
        messages.error(request, "Ce paiement est déjà annulé.")
        return redirect(retour)
    form = AnnulationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            recu = paiement_annuler(paiement=paiement, motif=form.cleaned_data["motif"], par=request.user)
        except ValidationError as refus:
            messages.error(request, " ".join(refus.messages))
        else:
            messages.success(request, f"Paiement annulé : reçu d'annulation n° {recu.numero}.")
        return redirect(retour)
    return rendre(request, "paiements/annuler.html", {"paiement": paiement, "form": form, "retour": retour},
                  "formulaire")


@droit_requis(Droit.LISTE_ATTENTE)
def recu(request, recu_id: int):
    recu = objet_ou_404(request, Recu.objects.select_related(
        "antenne", "paiement__orientation__personne"), pk=recu_id)
    autres = {r.nature: r for r in Recu.objects.filter(paiement_id=recu.paiement_id)}
    annulation = autres.get(NatureRecu.ANNULATION) if recu.nature == NatureRecu.PAIEMENT else None
    pdf = documents.recu_pdf(recu, annulation=annulation, origine=autres.get(NatureRecu.PAIEMENT))
    return reponse_pdf(pdf, f"recu-{recu.numero}.pdf")


@droit_requis(Droit.LISTE_ATTENTE)
def stage_soldes(request, stage_id: int):
    """Who of the stage still owes what (the stage page loads it into its payments section)."""
    stage = stage_ou_404(request, stage_id)
    restes = selectors.soldes_restants(stage.antenne, stage).select_related("orientation__personne")
    tracer_consultation(request, Consultation.Objet.LISTE, detail=f"Soldes du stage {stage.pk}")
    return rendre(request, "paiements/stage_soldes.html", {"stage": stage, "restes": list(restes)}, "soldes")


# --- Follow-up (the accountant's view) ------------------------------------------------------

@droit_requis(Droit.LISTE_ATTENTE)
def suivi(request):
    periode = Periode.de_la_requete(request.GET, aujourd_hui=timezone.localdate())
    antenne = request.acces.antenne
    tracer_consultation(request, Consultation.Objet.LISTE, detail=f"Suivi des paiements {periode}")
    return rendre(request, "paiements/suivi.html", suivi_de(antenne, periode), "resultats")


def _export(request):
    periode = Periode.de_la_requete(request.GET, aujourd_hui=timezone.localdate())
    tracer_consultation(request, Consultation.Objet.EXPORT, detail=f"Export des paiements {periode}")
    titres, rangees = lignes_export(request.acces.antenne, periode)
    return titres, rangees, f"paiements-{periode.du:%Y-%m-%d}-{periode.au:%Y-%m-%d}"


@droit_requis(Droit.LISTE_ATTENTE)
def suivi_csv(request):
    titres, rangees, nom = _export(request)
    return reponse_csv(morceaux_csv(titres, rangees, dates=[0]), nom=nom)


@droit_requis(Droit.LISTE_ATTENTE)
def suivi_xlsx(request):
    titres, rangees, nom = _export(request)
    return reponse_xlsx(lambda sortie: ecrire_xlsx(titres, rangees, sortie, feuille="Paiements", dates=[0]),
                        nom=nom)


# --- The antenne's fee -----------------------------------------------------------------------

@droit_requis(Droit.GERER_STAGES)
@meme_antenne
def reglages(request):
    antenne = request.acces.antenne
    tarif = selectors.tarif_de(antenne)
    donnees = request.POST if request.method == "POST" else None
    form = TarifForm(donnees, instance=tarif)
    tranches = TranchesFormSet(donnees, instance=tarif, prefix="tranches")
    if request.method == "POST" and form.is_valid() and tranches.is_valid():
        with transaction.atomic():
            form.save()
            tranches.instance = form.instance
            tranches.save()
        messages.success(request, "Réglages des paiements enregistrés.")
        return redirect(reverse("paiements:reglages"))
    return rendre(request, "paiements/reglages.html", {"form": form, "tranches": tranches})


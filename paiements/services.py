"""Every write of the payments: the sum due, a payment with its numbered receipt, its
cancellation with a numbered cancellation receipt. Receipt numbers are taken under a row lock
on the antenne's counter for the year: one continuous series, no gap, no duplicate."""

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from commun.idempotence import creer_une_fois
from paiements.models import (
    CompteurRecus,
    Echeance,
    Mode,
    NatureRecu,
    Paiement,
    Recu,
    Regime,
    SommeDue,
    TrancheReduite,
)
from paiements.montants import montant
from paiements.selectors import (
    ZERO,
    montant_selon,
    somme_due_par_defaut,
    tarif_de,
    tarif_du_stage,
    total_paye,
)
from stages.models import Antenne, Orientation, Stage
from stages.services import enregistrer_avec_motif

MOTIF_INITIAL = "Somme due fixée"


# --- Receipt numbers -----------------------------------------------------------------------

def prefixe_de(antenne: Antenne) -> str:
    """The antenne's part of a receipt number: 'PER' for the code 'perpignan'."""
    return re.sub(r"[^A-Z0-9]", "", antenne.code.upper())[:3] or "ANT"


def _compteurs():
    # The row lock is what keeps two receipts issued at once from taking the same number.
    return CompteurRecus.objects.select_for_update()


def numero_suivant(*, antenne: Antenne, annee: int) -> int:
    """The next receipt number of the antenne for the year, within the caller's transaction:
    its counter row stays locked until that transaction ends (a concurrent issue waits)."""
    CompteurRecus.objects.bulk_create([CompteurRecus(antenne=antenne, annee=annee)], ignore_conflicts=True)
    compteur = _compteurs().get(antenne=antenne, annee=annee)
    compteur.dernier += 1
    compteur.save(update_fields=["dernier"])
    return compteur.dernier


def _emettre(paiement: Paiement, nature: str, *, par, somme_due: Decimal) -> Recu:
    annee = timezone.localdate().year
    return Recu.objects.create(
        antenne=paiement.antenne, annee=annee, rang=numero_suivant(antenne=paiement.antenne, annee=annee),
        prefixe=prefixe_de(paiement.antenne), nature=nature, paiement=paiement, somme_due=somme_due,
        total_paye=total_paye(paiement.orientation_id), emis_par=par,
    )


# --- The sum due ---------------------------------------------------------------------------

def _somme_due_verrouillee(orientation: Orientation, stage: Stage | None = None,
                           motif: str = MOTIF_INITIAL) -> SommeDue:
    """The orientation's sum due, created at its default if it has none, its row locked: one
    payment of the orientation at a time reads the balance."""
    def creer():
        somme = somme_due_par_defaut(orientation, stage)
        enregistrer_avec_motif(somme, motif)
        return somme

    somme, _ = creer_une_fois(SommeDue, cle={"orientation": orientation}, creer=creer)
    return SommeDue.objects.select_for_update().get(pk=somme.pk)


@transaction.atomic
def sommes_dues_au_stage(*, orientations: Iterable[Orientation], stage: Stage) -> None:
    """Called when people are convoked to `stage`: the sum due follows the stage's fee while
    it is the standard one (a reduced fee or a free stage stays as staff set it)."""
    tarif = tarif_du_stage(stage)
    motif = f"Convoquée au {stage}"
    for orientation in orientations:
        somme = _somme_due_verrouillee(orientation, stage, motif)
        if somme.stage_id == stage.pk and (somme.regime != Regime.STANDARD or somme.montant == tarif):
            continue
        somme.stage = stage
        if somme.regime == Regime.STANDARD:
            somme.montant = tarif
        enregistrer_avec_motif(somme, motif)


@transaction.atomic
def somme_due_fixer(
    *, orientation: Orientation, regime: str, motif: str, tranche: TrancheReduite | None = None,
    justification: str = "", motif_gratuite: str = "",
) -> SommeDue:
    """Set what the orientation owes: standard (the stage's or antenne's fee), reduced (a
    bracket of the antenne and the document seen) or free (volontaire, or the court decided
    so). The reason is kept in the history."""
    if not motif.strip():
        raise ValidationError({"motif": "Indiquez le motif du changement (gardé dans l'historique)."})
    if tranche is not None and tranche.tarif.antenne_id != orientation.antenne_id:
        raise ValidationError({"tranche": "Cette tranche n'est pas celle de l'antenne."})
    somme = _somme_due_verrouillee(orientation)
    base = tarif_du_stage(somme.stage) if somme.stage else tarif_de(orientation.antenne).standard
    somme.regime = regime
    somme.tranche = tranche if regime == Regime.REDUIT else None
    somme.justification = justification.strip() if regime == Regime.REDUIT else ""
    somme.motif_gratuite = motif_gratuite if regime == Regime.GRATUIT else ""
    if regime == Regime.REDUIT and tranche is None:
        raise ValidationError({"tranche": "Choisissez la tranche du tarif réduit."})
    somme.montant = montant_selon(regime=regime, tranche=tranche, base=base)
    enregistrer_avec_motif(somme, motif.strip())
    return somme


@transaction.atomic
def echeance_ajouter(*, orientation: Orientation, date_echeance: date, montant_: Decimal) -> Echeance:
    """One more date of the orientation's payment plan; the plan never exceeds the sum due."""
    somme = _somme_due_verrouillee(orientation)
    prevu = orientation.echeances_paiement.aggregate(total=Sum("montant"))["total"] or ZERO
    if prevu + montant_ > somme.montant:
        raise ValidationError({"montant": (
            f"L'échéancier dépasserait la somme due ({montant(somme.montant)}) : "
            f"{montant(prevu)} sont déjà prévus."
        )})
    echeance = Echeance(orientation=orientation, date=date_echeance, montant=montant_)
    enregistrer_avec_motif(echeance, "Échéance ajoutée")
    return echeance


@transaction.atomic
def echeancier_effacer(*, orientation: Orientation) -> int:
    """Start the plan again (its history keeps the old dates)."""
    nombre = 0
    for echeance in orientation.echeances_paiement.all():
        echeance._change_reason = "Échéancier effacé"
        echeance.delete()
        nombre += 1
    return nombre


# --- Payments ------------------------------------------------------------------------------

def _enregistrer(*, orientation, date_paiement, montant_, mode, numero_cheque, banque, par, cle) -> Paiement:
    paiement = Paiement(
        antenne_id=orientation.antenne_id, orientation=orientation, date=date_paiement, montant=montant_,
        mode=mode, numero_cheque=numero_cheque.strip() if mode == Mode.CHEQUE else "",
        banque=banque.strip() if mode == Mode.CHEQUE else "", enregistre_par=par, cle=cle or None,
    )
    paiement.full_clean()  # the amount itself first (zero, cents, ceiling), then the balance
    somme = _somme_due_verrouillee(orientation)
    # Read under the lock: a payment recorded at the same time by someone else is counted.
    reste = somme.montant - total_paye(orientation.pk)
    if montant_ > reste:
        if not tarif_de(orientation.antenne).trop_percu_accepte:
            deja = "rien ne reste à payer" if reste <= 0 else f"il reste {montant(reste)} à payer"
            raise ValidationError({"montant": (
                f"Ce versement de {montant(montant_)} dépasse ce qui est dû : {deja} "
                f"(somme due {montant(somme.montant)})."
            )})
        paiement.trop_percu = montant_ - max(reste, ZERO)
    enregistrer_avec_motif(paiement, "Paiement enregistré")
    _emettre(paiement, NatureRecu.PAIEMENT, par=par, somme_due=somme.montant)
    return paiement


@transaction.atomic
def paiement_enregistrer(
    *, orientation: Orientation, date_paiement: date, montant_: Decimal, mode: str, par,
    numero_cheque: str = "", banque: str = "", cle: str = "",
) -> tuple[Paiement, bool]:
    """Record a payment and issue its numbered receipt: (payment, created). The same `cle`
    (the form's token) sent twice, or at once from two tabs, records one payment; two staff
    recording the same payment at once: the second finds nothing left to pay."""
    def creer():
        return _enregistrer(orientation=orientation, date_paiement=date_paiement, montant_=montant_,
                            mode=mode, numero_cheque=numero_cheque, banque=banque, par=par, cle=cle)

    if not cle:
        return creer(), True
    return creer_une_fois(Paiement, cle={"cle": cle}, creer=creer)


@transaction.atomic
def paiement_annuler(*, paiement: Paiement, motif: str, par) -> Recu:
    """Cancel a mistaken payment (never deleted): a numbered cancellation receipt refers to its
    receipt, which then shows "annulé"."""
    if not motif.strip():
        raise ValidationError({"motif": "Indiquez le motif de l'annulation."})
    paiement = Paiement.objects.select_for_update().get(pk=paiement.pk)
    if paiement.annule:
        raise ValidationError("Ce paiement est déjà annulé.")
    somme = _somme_due_verrouillee(paiement.orientation)
    paiement.annule = True
    paiement.motif_annulation = motif.strip()
    paiement.annule_le = timezone.now()
    paiement.annule_par = par
    enregistrer_avec_motif(paiement, f"Annulé : {motif.strip()}")
    return _emettre(paiement, NatureRecu.ANNULATION, par=par, somme_due=somme.montant)


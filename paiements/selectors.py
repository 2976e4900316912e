"""Reads of the payments: the antenne's fee, what an orientation owes and has paid, and the
accountant's view. Every other app asks here (one place for each rule)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from paiements.models import (
    TARIF_STANDARD_PAR_DEFAUT,
    Echeance,
    Mode,
    MotifGratuite,
    Paiement,
    Regime,
    SommeDue,
    Tarif,
)
from stages.models import Antenne, Orientation, Stage

ZERO = Decimal("0.00")


def tarif_de(antenne: Antenne) -> Tarif:
    """The antenne's fee setting, or the defaults (an unsaved row) if it has none yet."""
    try:
        return antenne.reglage_tarif
    except Tarif.DoesNotExist:
        return Tarif(antenne=antenne)


def tarif_du_stage(stage: Stage) -> Decimal:
    """THE rule of a stage's fee: its own (`Stage.tarif`), else the antenne's standard fee
    (read with the stage when `avec_paiements` annotated it)."""
    if stage.tarif is not None:
        return stage.tarif
    if hasattr(stage, "tarif_antenne"):
        return TARIF_STANDARD_PAR_DEFAUT if stage.tarif_antenne is None else stage.tarif_antenne
    return tarif_de(stage.antenne).standard


def avec_tarif_antenne(stages: QuerySet[Stage]) -> QuerySet[Stage]:
    """The stages with their antenne's standard fee (`tarif_du_stage` then reads no more)."""
    return stages.annotate(
        tarif_antenne=Subquery(Tarif.objects.filter(antenne=OuterRef("antenne")).values("standard")[:1]))


def avec_paiements(stages: QuerySet[Stage]) -> QuerySet[Stage]:
    """The stages with the antenne's fee, and how many of their people still owe and how much,
    in the same query (commun.encarts annotation of the stage page)."""
    restes = (SommeDue.objects.filter(stage=OuterRef("pk"))
              .annotate(paye=Coalesce(_paye_par_orientation(), Value(ZERO), output_field=DecimalField()))
              .filter(montant__gt=F("paye")).values("stage"))
    return avec_tarif_antenne(stages).annotate(
        nb_restes=Coalesce(Subquery(restes.annotate(n=Count("pk")).values("n")), 0),
        total_reste=Coalesce(Subquery(restes.annotate(t=Sum(F("montant") - F("paye"))).values("t"),
                                      output_field=DecimalField()), Value(ZERO), output_field=DecimalField()),
    )


def attestation_attend_paiement(antenne: Antenne) -> bool:
    """The antenne's policy: does the attestation wait for full payment (default: no)?"""
    return tarif_de(antenne).attestation_attend_paiement


def montant_selon(*, regime: str, tranche=None, base: Decimal) -> Decimal:
    """What the regime makes the person owe: the standard fee, the bracket's, or nothing."""
    if regime == Regime.GRATUIT:
        return ZERO
    if regime == Regime.REDUIT:
        return tranche.montant
    return base


def _tarif_standard(orientation: Orientation) -> Decimal:
    """The antenne's standard fee, read with the orientation when `avec_solde_de_la_fiche` did."""
    if hasattr(orientation, "tarif_antenne"):
        return TARIF_STANDARD_PAR_DEFAUT if orientation.tarif_antenne is None else orientation.tarif_antenne
    return tarif_de(orientation.antenne).standard


def somme_due_par_defaut(orientation: Orientation, stage: Stage | None = None) -> SommeDue:
    """Before anyone sets it: free for a démarche volontaire, else the stage's (or antenne's)
    standard fee. An unsaved row."""
    base = tarif_du_stage(stage) if stage else _tarif_standard(orientation)
    if orientation.est_volontaire:
        return SommeDue(orientation=orientation, antenne_id=orientation.antenne_id, stage=stage,
                        regime=Regime.GRATUIT, motif_gratuite=MotifGratuite.VOLONTAIRE, montant=ZERO)
    return SommeDue(orientation=orientation, antenne_id=orientation.antenne_id, stage=stage,
                    regime=Regime.STANDARD, montant=base)


def somme_due_de(orientation: Orientation, stage: Stage | None = None) -> SommeDue:
    try:
        return orientation.somme_due
    except SommeDue.DoesNotExist:
        return somme_due_par_defaut(orientation, stage)


@dataclass(frozen=True)
class Solde:
    du: Decimal
    paye: Decimal
    gratuit: bool = False
    instructions: str = ""

    @property
    def reste(self) -> Decimal:
        return max(self.du - self.paye, ZERO)

    @property
    def a_rembourser(self) -> Decimal:
        return max(self.paye - self.du, ZERO)

    @property
    def solde(self) -> bool:
        return self.reste == 0


def total_paye(orientation_id: int) -> Decimal:
    return (Paiement.objects.filter(orientation_id=orientation_id, annule=False)
            .aggregate(total=Sum("montant"))["total"] or ZERO)


def solde_de(orientation: Orientation, stage: Stage | None = None) -> Solde:
    """What the orientation owes, has paid (cancelled payments left out), and how to pay."""
    somme = somme_due_de(orientation, stage)
    return Solde(du=somme.montant, paye=total_paye(orientation.pk), gratuit=somme.regime == Regime.GRATUIT,
                 instructions=tarif_de(orientation.antenne).instructions)


def soldes_des_orientations(
    orientations: Iterable[Orientation], stage: Stage | None = None
) -> dict[int, Solde]:
    """`solde_de` for many orientations (of one antenne) in three queries, whatever their number."""
    orientations = list(orientations)
    if not orientations:
        return {}
    ids = [o.pk for o in orientations]
    sommes = {s.orientation_id: s for s in SommeDue.objects.filter(orientation_id__in=ids)}
    payes = dict(Paiement.objects.filter(orientation_id__in=ids, annule=False).values("orientation")
                 .annotate(total=Sum("montant")).values_list("orientation", "total"))
    instructions = tarif_de(orientations[0].antenne).instructions
    soldes = {}
    for orientation in orientations:
        somme = sommes.get(orientation.pk) or somme_due_par_defaut(orientation, stage)
        soldes[orientation.pk] = Solde(du=somme.montant, paye=payes.get(orientation.pk, ZERO),
                                       gratuit=somme.regime == Regime.GRATUIT, instructions=instructions)
    return soldes


def avec_soldes(orientations: QuerySet[Orientation]) -> QuerySet[Orientation]:
    """Each orientation with `somme_due_fixee` (None before it is set) and `deja_paye`, read
    with the orientation itself (the proposal's rows): no query more. `solde_annote` reads them."""
    payes = (Paiement.objects.filter(orientation=OuterRef("pk"), annule=False).order_by()
             .values("orientation").annotate(total=Sum("montant")).values("total"))
    somme = SommeDue.objects.filter(orientation=OuterRef("pk"))
    return orientations.annotate(
        somme_due_fixee=Subquery(somme.values("montant")[:1]),
        somme_due_regime=Subquery(somme.values("regime")[:1]),
        deja_paye=Coalesce(Subquery(payes, output_field=DecimalField()), Value(ZERO),
                           output_field=DecimalField()),
    )


def avec_solde_de_la_fiche(orientations: QuerySet[Orientation]) -> QuerySet[Orientation]:
    """`avec_soldes`, and the antenne's fee and policy: the orientation page's section reads no
    more (commun.encarts annotation of the orientation page)."""
    tarif = Tarif.objects.filter(antenne=OuterRef("antenne"))
    return avec_soldes(orientations).annotate(
        tarif_antenne=Subquery(tarif.values("standard")[:1]),
        attestation_attend=Subquery(tarif.values("attestation_attend_paiement")[:1]),
    )


def solde_annote(orientation: Orientation, stage: Stage | None = None) -> Solde:
    """The balance of an orientation read through `avec_soldes` (for a convocation to `stage`)."""
    du, regime = orientation.somme_due_fixee, orientation.somme_due_regime
    if du is None:
        defaut = somme_due_par_defaut(orientation, stage)
        du, regime = defaut.montant, defaut.regime
    return Solde(du=du, paye=orientation.deja_paye, gratuit=regime == Regime.GRATUIT)


def reste_avant_attestation(orientation: Orientation, stage: Stage | None = None) -> Decimal:
    """What must still be paid before the attestation: nothing unless the antenne waits for
    full payment (its setting, default no)."""
    if not attestation_attend_paiement(orientation.antenne):
        return ZERO
    return solde_de(orientation, stage).reste


def paiements_de(orientation: Orientation) -> list[Paiement]:
    """The orientation's payments, cancelled ones included, each with its receipts."""
    return list(Paiement.objects.filter(orientation=orientation)
                .select_related("enregistre_par", "annule_par").prefetch_related("recus")
                .order_by("date", "pk"))


@dataclass(frozen=True)
class LigneEcheancier:
    echeance: Echeance
    cumul: Decimal  # what should be paid by its date
    en_retard: bool


def echeancier_de(orientation: Orientation, *, paye: Decimal, aujourd_hui: date) -> list[LigneEcheancier]:
    """The payment plan with, for each date, whether what was due by then is paid."""
    lignes, cumul = [], ZERO
    for echeance in orientation.echeances_paiement.all():
        cumul += echeance.montant
        lignes.append(LigneEcheancier(echeance, cumul, echeance.date < aujourd_hui and paye < cumul))
    return lignes


def echeances_en_retard(antenne: Antenne, aujourd_hui: date) -> QuerySet[Echeance]:
    """The plan dates passed while what was due by then is not paid (the digest's reminders)."""
    cumul = Subquery(
        Echeance.objects.filter(orientation=OuterRef("orientation"), date__lte=OuterRef("date"))
        .order_by().values("orientation").annotate(t=Sum("montant")).values("t"),
        output_field=DecimalField(),
    )
    return (Echeance.objects.filter(orientation__antenne=antenne, date__lt=aujourd_hui)
            .annotate(cumul=cumul, paye=Coalesce(_paye_par_orientation(), Value(ZERO),
                                                 output_field=DecimalField()))
            .filter(paye__lt=F("cumul")).select_related("orientation__personne").order_by("date", "pk"))


# --- The accountant's view ---------------------------------------------------------------

def _paye_par_orientation() -> Subquery:
    return Subquery(
        Paiement.objects.filter(orientation=OuterRef("orientation"), annule=False)
        .values("orientation").annotate(total=Sum("montant")).values("total"),
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )


def sommes_avec_paye(antenne: Antenne) -> QuerySet[SommeDue]:
    return (SommeDue.objects.filter(antenne=antenne)
            .annotate(paye=Coalesce(_paye_par_orientation(), Value(ZERO), output_field=DecimalField())))


def soldes_restants(antenne: Antenne, stage: Stage | None = None) -> QuerySet[SommeDue]:
    """Who still owes (for `stage`, or all), most owed first."""
    sommes = sommes_avec_paye(antenne)
    if stage is not None:
        sommes = sommes.filter(stage=stage)
    return (sommes.filter(montant__gt=F("paye"))
            .annotate(reste=F("montant") - F("paye")).order_by("-reste", "orientation_id"))


def remboursements_dus(antenne: Antenne) -> QuerySet[SommeDue]:
    """Who paid more than they owe (an overpayment accepted, a fee lowered after payment)."""
    return (sommes_avec_paye(antenne).filter(paye__gt=F("montant"))
            .annotate(a_rembourser=F("paye") - F("montant")).order_by("-a_rembourser", "orientation_id"))


def totaux_des_soldes(antenne: Antenne) -> dict[str, Decimal]:
    """What is left to pay and what is to refund over all the antenne's sums due, one query."""
    ecart = F("montant") - F("paye")
    totaux = sommes_avec_paye(antenne).aggregate(
        reste=Sum(Case(When(montant__gt=F("paye"), then=ecart), default=Value(ZERO))),
        a_rembourser=Sum(Case(When(paye__gt=F("montant"), then=-ecart), default=Value(ZERO))),
    )
    return {cle: valeur or ZERO for cle, valeur in totaux.items()}


@dataclass(frozen=True)
class TotalMode:
    mode: str
    libelle: str
    nombre: int
    total: Decimal


def paiements_de_la_periode(antenne: Antenne, du: date, au: date) -> QuerySet[Paiement]:
    return Paiement.objects.filter(antenne=antenne, date__gte=du, date__lte=au)


def totaux_par_mode(antenne: Antenne, du: date, au: date) -> list[TotalMode]:
    """Payments of the period (cancelled ones left out) by mode, in one query."""
    lignes = {
        ligne["mode"]: ligne for ligne in paiements_de_la_periode(antenne, du, au).filter(annule=False)
        .values("mode").annotate(nombre=Count("pk"), total=Sum("montant")).order_by()
    }
    return [TotalMode(mode, libelle, lignes.get(mode, {}).get("nombre", 0),
                      lignes.get(mode, {}).get("total") or ZERO) for mode, libelle in Mode.choices]


"""Fees (the antenne's tarif and its reduced brackets), the sum each orientation owes, its
payments and their numbered receipts. A payment is never deleted: a mistaken one is
cancelled with a reason, which issues a cancellation receipt."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from paiements.montants import PLAFOND_LEGAL, montant, verifier_montant_positif, verifier_plafond
from stages.dates import date_plausible
from stages.models import Antenne, Orientation, Stage

TARIF_STANDARD_PAR_DEFAUT = Decimal("200.00")
INSTRUCTIONS_PAR_DEFAUT = (
    "Par chèque à l'ordre de l'antenne, par virement, par carte ou en espèces à l'accueil de "
    "l'antenne ; un reçu vous est remis pour chaque versement. Le paiement peut se faire en "
    "plusieurs fois."
)


def _dans_le_plafond(champ: str, nom: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{champ}__gte": 0, f"{champ}__lte": PLAFOND_LEGAL}), name=nom,
    )


class Tarif(models.Model):
    """The antenne's fee setting: its standard fee (the default of its stages, `Stage.tarif`
    overriding it), how to pay, and its payment policy."""

    antenne = models.OneToOneField(Antenne, on_delete=models.CASCADE, related_name="reglage_tarif")
    standard = models.DecimalField(
        "tarif standard (€)", max_digits=6, decimal_places=2, default=TARIF_STANDARD_PAR_DEFAUT,
        validators=[verifier_plafond],
    )
    instructions = models.TextField(
        "comment payer", default=INSTRUCTIONS_PAR_DEFAUT,
        help_text="Écrit sur la lettre de convocation (ordre du chèque, RIB, horaires de l'accueil…).",
    )
    attestation_attend_paiement = models.BooleanField(
        "l'attestation attend le paiement complet", default=False,
        help_text="Sinon, l'attestation est remise et sa page montre ce qui reste dû.",
    )
    trop_percu_accepte = models.BooleanField(
        "accepter un versement au-delà du reste dû", default=False,
        help_text="Le surplus est alors noté comme un trop-perçu à rembourser.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tarif de l'antenne"
        verbose_name_plural = "tarifs des antennes"
        constraints = [_dans_le_plafond("standard", "tarif_standard_plafond")]

    def __str__(self):
        return f"Tarif de {self.antenne.nom}"


class TrancheReduite(models.Model):
    """A reduced fee of the antenne, by the person's resources (RSA, sans ressources…)."""

    tarif = models.ForeignKey(Tarif, on_delete=models.CASCADE, related_name="tranches")
    libelle = models.CharField("tranche", max_length=80, help_text="Par exemple : RSA, étudiant.")
    montant = models.DecimalField("montant (€)", max_digits=6, decimal_places=2,
                                  validators=[verifier_plafond])
    active = models.BooleanField("proposée", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tranche réduite"
        verbose_name_plural = "tranches réduites"
        ordering = ["montant", "libelle"]
        constraints = [
            models.UniqueConstraint(fields=["tarif", "libelle"], name="tranche_unique"),
            _dans_le_plafond("montant", "tranche_plafond"),
        ]

    def __str__(self):
        return f"{self.libelle} ({montant(self.montant)})"


class Regime(models.TextChoices):
    STANDARD = "standard", "Tarif standard"
    REDUIT = "reduit", "Tarif réduit"
    GRATUIT = "gratuit", "Gratuit"


class MotifGratuite(models.TextChoices):
    VOLONTAIRE = "volontaire", "Démarche volontaire"
    JURIDICTION = "juridiction", "Décision contraire de la juridiction"


class SommeDue(models.Model):
    """What the orientation owes, set when it is convoked (or first paid) and changed with a
    reason kept in its history (`services.somme_due_fixer`)."""

    orientation = models.OneToOneField(Orientation, on_delete=models.PROTECT, related_name="somme_due")
    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="+")
    # The stage the person was last convoked to: its fee (`Stage.tarif`) is the standard one, and
    # its page lists who still owes (set by `services.sommes_dues_au_stage`).
    stage = models.ForeignKey(Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    regime = models.CharField("régime", max_length=10, choices=Regime.choices, default=Regime.STANDARD)
    tranche = models.ForeignKey(TrancheReduite, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="tranche réduite")
    justification = models.CharField(
        "justificatif vu", max_length=200, blank=True,
        help_text="La pièce présentée pour le tarif réduit (attestation CAF du…, carte d'étudiant…).",
    )
    motif_gratuite = models.CharField("motif de la gratuité", max_length=20,
                                      choices=MotifGratuite.choices, blank=True)
    montant = models.DecimalField("somme due (€)", max_digits=6, decimal_places=2,
                                  validators=[verifier_plafond])
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "somme due"
        verbose_name_plural = "sommes dues"
        constraints = [_dans_le_plafond("montant", "somme_due_plafond")]

    def __str__(self):
        return f"{montant(self.montant)} ({self.get_regime_display().lower()})"

    def clean(self):
        erreurs = {}
        if self.regime == Regime.REDUIT:
            if self.tranche_id is None:
                erreurs["tranche"] = "Choisissez la tranche du tarif réduit."
            if not self.justification.strip():
                erreurs["justification"] = "Un tarif réduit demande le justificatif vu (pièce présentée)."
        if self.regime == Regime.GRATUIT and not self.motif_gratuite:
            erreurs["motif_gratuite"] = "Dites pourquoi le stage est gratuit."
        if erreurs:
            raise ValidationError(erreurs)


class Mode(models.TextChoices):
    ESPECES = "especes", "Espèces"
    CHEQUE = "cheque", "Chèque"
    VIREMENT = "virement", "Virement"
    CARTE = "carte", "Carte bancaire"
    MANDAT = "mandat", "Mandat"


class Paiement(models.Model):
    """One payment (an instalment) of an orientation. Never deleted: cancelled with a reason."""

    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="+")
    orientation = models.ForeignKey(Orientation, on_delete=models.PROTECT, related_name="paiements")
    date = models.DateField("date du paiement", validators=[date_plausible])
    montant = models.DecimalField("montant (€)", max_digits=6, decimal_places=2,
                                  validators=[verifier_montant_positif])
    mode = models.CharField("mode de paiement", max_length=10, choices=Mode.choices)
    numero_cheque = models.CharField("numéro du chèque", max_length=30, blank=True)
    banque = models.CharField("banque", max_length=80, blank=True)
    # The part above what was left to pay, when the antenne accepts it: to refund.
    trop_percu = models.DecimalField("trop-perçu à rembourser (€)", max_digits=6, decimal_places=2,
                                     default=Decimal(0))
    enregistre_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+", verbose_name="enregistré par")
    enregistre_le = models.DateTimeField("enregistré le", auto_now_add=True)
    annule = models.BooleanField("annulé", default=False)
    motif_annulation = models.CharField("motif de l'annulation", max_length=300, blank=True)
    annule_le = models.DateTimeField("annulé le", null=True, blank=True)
    annule_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name="annulé par")
    # The form's idempotency key: a double click records one payment (commun.idempotence).
    cle = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)  # noqa: DJ001
    history = HistoricalRecords()

    class Meta:
        verbose_name = "paiement"
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["antenne", "date"], name="paiement_periode_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0, montant__lte=PLAFOND_LEGAL),
                                   name="paiement_montant_plafond"),
        ]

    def __str__(self):
        return f"{montant(self.montant)} le {self.date:%d/%m/%Y} ({self.get_mode_display().lower()})"

    def clean(self):
        if self.mode == Mode.CHEQUE and not self.numero_cheque.strip():
            raise ValidationError({"numero_cheque": "Un chèque s'enregistre avec son numéro."})
        if self.mode == Mode.CHEQUE and not self.banque.strip():
            raise ValidationError({"banque": "Un chèque s'enregistre avec sa banque."})


class Echeance(models.Model):
    """One date of an optional payment plan: by `date`, `montant` more is expected."""

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="echeances_paiement")
    date = models.DateField("date", validators=[date_plausible])
    montant = models.DecimalField("montant (€)", max_digits=6, decimal_places=2,
                                  validators=[verifier_montant_positif])
    history = HistoricalRecords()

    class Meta:
        verbose_name = "échéance de paiement"
        verbose_name_plural = "échéancier"
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{montant(self.montant)} avant le {self.date:%d/%m/%Y}"


class CompteurRecus(models.Model):
    """The last receipt number issued by an antenne in a year; its row is locked while the next
    number is taken (`services.numero_suivant`): no gap, no duplicate."""

    antenne = models.ForeignKey(Antenne, on_delete=models.CASCADE, related_name="+")
    annee = models.PositiveSmallIntegerField("année")
    dernier = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "compteur de reçus"
        constraints = [models.UniqueConstraint(fields=["antenne", "annee"], name="compteur_recus_unique")]

    def __str__(self):
        return f"{self.antenne} {self.annee} : {self.dernier}"


def numero_de_recu(annee: int, prefixe: str, rang: int) -> str:
    """R-2026-PER-0007: the antenne's series of the year, in the order of issue."""
    return f"R-{annee}-{prefixe}-{rang:04d}"


class NatureRecu(models.TextChoices):
    PAIEMENT = "paiement", "Reçu de paiement"
    ANNULATION = "annulation", "Reçu d'annulation"


class Recu(models.Model):
    """A numbered receipt: of a payment, or of its cancellation (which refers to the first).
    One series per antenne and year, in the order of issue (R-2026-PER-0007)."""

    antenne = models.ForeignKey(Antenne, on_delete=models.PROTECT, related_name="+")
    annee = models.PositiveSmallIntegerField("année")
    rang = models.PositiveIntegerField("rang")
    prefixe = models.CharField("préfixe de l'antenne", max_length=10)
    nature = models.CharField("nature", max_length=10, choices=NatureRecu.choices)
    paiement = models.ForeignKey(Paiement, on_delete=models.PROTECT, related_name="recus")
    # The balance as it stood when the receipt was issued (a receipt says what was true then).
    somme_due = models.DecimalField("somme due (€)", max_digits=6, decimal_places=2)
    total_paye = models.DecimalField("total payé (€)", max_digits=8, decimal_places=2)
    emis_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="émis par")
    emis_le = models.DateTimeField("émis le", auto_now_add=True)

    class Meta:
        verbose_name = "reçu"
        ordering = ["annee", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["antenne", "annee", "rang"], name="recu_numero_unique"),
            models.UniqueConstraint(fields=["paiement", "nature"], name="recu_un_par_nature"),
        ]

    def __str__(self):
        return self.numero

    @property
    def numero(self) -> str:
        return numero_de_recu(self.annee, self.prefixe, self.rang)

    @property
    def reste(self) -> Decimal:
        return max(self.somme_due - self.total_paye, Decimal(0))

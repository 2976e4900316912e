"""Convocations of orientations to stages, and what staff record about them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from stages.models import Orientation, Stage


class StatutConvocation(models.TextChoices):
    CONVOQUEE = "convoquee", "Convoquée"
    CONFIRMEE = "confirmee", "Confirmée"
    REPORTEE = "reportee", "Reportée"
    ANNULEE = "annulee", "Annulée"


# An open convocation holds a place on its stage; an orientation has at most one.
STATUTS_OUVERTS = [StatutConvocation.CONVOQUEE, StatutConvocation.CONFIRMEE]


class Convocation(models.Model):
    orientation = models.ForeignKey(Orientation, on_delete=models.PROTECT, related_name="convocations")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="convocations")
    numero = models.PositiveSmallIntegerField("convocation n°", default=1)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutConvocation.choices, default=StatutConvocation.CONVOQUEE
    )
    # Why this person was taken ahead of their rank, or added out of the proposal.
    motif_hors_rang = models.CharField("motif hors rang", max_length=300, blank=True)
    # Why it was postponed or cancelled.
    motif = models.CharField("motif", max_length=300, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="créée par",
    )
    # Bumped whenever a séance moves: the calendar file sent then replaces the earlier one.
    sequence_ics = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "convocation"
        constraints = [
            models.UniqueConstraint(
                fields=["orientation"], condition=Q(statut__in=STATUTS_OUVERTS),
                name="une_convocation_ouverte_par_orientation",
                violation_error_message="Cette personne a déjà une convocation en cours.",
            ),
        ]
        indexes = [models.Index(fields=["stage", "statut"], name="convocation_stage_idx")]

    def __str__(self):
        return f"{self.orientation.personne} — {self.stage}"

    @property
    def est_ouverte(self) -> bool:
        return self.statut in STATUTS_OUVERTS

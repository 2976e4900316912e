"""Reference data of the payments (the antennes' fees and brackets) and, read only, the
payments and their receipts: a payment is cancelled from its page, never changed or deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commun.admin import LectureSeule
from paiements.models import Paiement, Recu, SommeDue, Tarif, TrancheReduite


class TrancheInline(admin.TabularInline):
    model = TrancheReduite
    extra = 1


@admin.register(Tarif)
class TarifAdmin(SimpleHistoryAdmin):
    list_display = ["antenne", "standard", "attestation_attend_paiement", "trop_percu_accepte"]
    inlines = [TrancheInline]


@admin.register(SommeDue)
class SommeDueAdmin(LectureSeule, SimpleHistoryAdmin):
    list_display = ["orientation", "antenne", "regime", "montant"]
    list_filter = ["antenne", "regime"]


@admin.register(Paiement)
class PaiementAdmin(LectureSeule, SimpleHistoryAdmin):
    list_display = ["date", "orientation", "antenne", "montant", "mode", "annule"]
    list_filter = ["antenne", "mode", "annule"]
    date_hierarchy = "date"


@admin.register(Recu)
class RecuAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["__str__", "antenne", "nature", "paiement", "emis_le"]
    list_filter = ["antenne", "annee", "nature"]

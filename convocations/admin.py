from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commun.admin import LectureSeule
from convocations.models import Attestation, Avis, LotEnvoi, ModeleLettre, Rappel, ReglageAttestations


@admin.register(ModeleLettre)
class ModeleLettreAdmin(SimpleHistoryAdmin):
    """The letter's wording per antenne (staff edit it on /convocations/lettre/)."""

    list_display = ["antenne", "modifie_le"]


@admin.register(LotEnvoi)
class LotEnvoiAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["cree_le", "stage", "etat", "total", "courriels", "a_poster", "echecs"]
    list_filter = ["etat"]
    date_hierarchy = "cree_le"


@admin.register(Rappel)
class RappelAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["cree_le", "convocation", "jours_avant", "canal"]
    list_filter = ["canal", "jours_avant"]
    date_hierarchy = "cree_le"


@admin.register(ReglageAttestations)
class ReglageAttestationsAdmin(SimpleHistoryAdmin):
    """Per antenne: who signs its attestations, whether it runs an entretien bilan."""

    list_display = ["antenne", "signataire", "entretien_bilan"]


@admin.register(Attestation)
class AttestationAdmin(LectureSeule, SimpleHistoryAdmin):
    """The register of attestations issued: read only (a correction is a new attestation)."""

    list_display = ["numero", "antenne", "emise_le", "annulee_le", "sha256"]
    list_filter = ["antenne", "annee"]
    search_fields = ["numero", "empreinte", "sha256"]
    date_hierarchy = "emise_le"
@admin.register(Avis)
class AvisAdmin(LectureSeule, admin.ModelAdmin):
    """The notices as sent: never edited (a correction is a new notice)."""

    list_display = ["cree_le", "antenne", "nature", "motif", "accord_le"]
    list_filter = ["nature", "antenne"]
    date_hierarchy = "cree_le"

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from commun.admin import LectureSeule
from stages.models import Antenne, Consultation, Membre, Prescripteur


class MembreInline(admin.TabularInline):
    model = Membre
    extra = 0


@admin.register(Antenne)
class AntenneAdmin(SimpleHistoryAdmin):
    list_display = ["nom", "code", "departement", "delai_mois"]
    search_fields = ["nom", "code"]
    inlines = [MembreInline]


@admin.register(Membre)
class MembreAdmin(SimpleHistoryAdmin):
    list_display = ["user", "antenne", "role"]
    list_filter = ["role", "antenne"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(Prescripteur)
class PrescripteurAdmin(SimpleHistoryAdmin):
    list_display = ["nom", "type", "antenne", "email", "actif", "fusionne_dans"]
    list_filter = ["type", "antenne", "actif"]
    search_fields = ["nom"]
    raw_id_fields = ["fusionne_dans"]


@admin.register(Consultation)
class ConsultationAdmin(LectureSeule, admin.ModelAdmin):
    """The trace of reads, for the data protection officer: read only, never changed."""

    list_display = ["quand", "user", "antenne", "objet", "orientation", "detail"]
    list_filter = ["objet", "antenne"]
    search_fields = ["user__username", "user__last_name"]
    date_hierarchy = "quand"
    list_select_related = ["user", "antenne", "orientation__personne"]

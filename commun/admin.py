from django.contrib import admin

from commun.models import Envoi


class LectureSeule:
    """For a ModelAdmin of records nobody edits (traces, outbox): read only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Envoi)
class EnvoiAdmin(LectureSeule, admin.ModelAdmin):
    """The outbox, to read: what was sent, when, and why not."""

    list_display = ["cree_le", "nature", "canal", "destinataire", "sujet", "statut", "tentatives",
                    "envoye_le"]
    list_filter = ["statut", "canal", "nature"]
    search_fields = ["destinataire", "sujet", "cle"]
    date_hierarchy = "cree_le"
    exclude = ["objet_type", "objet_id"]

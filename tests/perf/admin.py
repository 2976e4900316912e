"""The Django admin's changelist of the same waiting list, for the benchmark only.

A ModelAdmin comparable to the list page (same columns, filters, search, order, 50 rows a
page, related rows joined) on an admin site of its own: it is not part of the application.
Measured in the same run as the list page, the ratio says what the hand-made page saves.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import include, path

from config.urls import urlpatterns as urls_du_projet
from stages.models import Orientation
from stages.selectors import ORDRE_LISTE, PAR_PAGE

site = admin.AdminSite(name="bench_admin")


@admin.register(Orientation, site=site)
class OrientationAdmin(admin.ModelAdmin):
    list_display = ["personne", "date_orientation", "prescripteur", "cadre", "echeance",
                    "urgent", "type_stage", "statut", "nb_reports"]
    list_filter = ["statut", "cadre", "urgent", "antenne"]
    search_fields = ["personne__nom", "personne__prenom", "reference"]
    list_select_related = ["personne", "prescripteur"]
    list_per_page = PAR_PAGE
    ordering = ORDRE_LISTE
    show_full_result_count = True  # the admin's default, as the list shows its totals


urlpatterns = [path("bench-admin/", include(site.urls[:2], namespace="bench_admin")),
               *urls_du_projet]
URLCONF = __name__


def client_admin() -> Client:
    """A superuser of the bench database (no usable password: force_login)."""
    utilisateur, _ = get_user_model().objects.get_or_create(
        username="admin-bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(raise_request_exception=False)
    client.force_login(utilisateur)
    return client

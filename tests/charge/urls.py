"""The site's URLs plus the peer of the load scenario: the Django admin's changelist of
the orientations (one antenne, waiting, 50 a page), on an admin site of its own that
exists only under config.settings.charge (the real admin shows no personal data)."""

from django.contrib import admin
from django.urls import path

from config.urls import urlpatterns as urls_du_site
from stages.models import Orientation


class OrientationPair(admin.ModelAdmin):
    list_display = ["personne", "cadre", "prescripteur", "date_orientation", "echeance",
                    "urgent", "statut"]
    list_filter = ["statut", "antenne"]
    search_fields = ["personne__nom_normalise"]
    list_select_related = ["personne", "prescripteur"]
    ordering = ["-urgent", "date_orientation", "id"]
    list_per_page = 50


site_pair = admin.AdminSite(name="admin_pair")
site_pair.register(Orientation, OrientationPair)

urlpatterns = [path("admin-pair/", site_pair.urls), *urls_du_site]

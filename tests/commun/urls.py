"""A test-only page for commun.htmx."""

from django.urls import path

from commun.htmx import rendre


def page(request):
    statut = 422 if "erreur" in request.GET else 200
    return rendre(request, "commun_essais/page.html", {"elements": ["Élodie", "<b>Œuvray</b>"]}, "liste",
                  status=statut)


urlpatterns = [path("essai/", page)]

"""The liste d'attente: one page (full, or its `liste` partial for htmx) and its exports."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from commun import tableurs
from stages import exports, selectors
from stages.access import Droit, droit_requis
from stages.forms import FiltresListeAttente
from stages.models import Consultation
from stages.services import tracer_consultation


@droit_requis(Droit.LISTE_ATTENTE)
@vary_on_headers("HX-Request")
def liste_attente(request):
    antenne, aujourd_hui = request.acces.antenne, timezone.localdate()
    form = FiltresListeAttente(request.GET, antenne=antenne)
    liste = selectors.page_liste_attente(
        antenne, form.filtres(), aujourd_hui, request.GET.get("page")
    )
    tracer_consultation(request, Consultation.Objet.LISTE, detail=f"filtres : {form.demandes()}")
    contexte = {"form": form, "page": liste.page, "lignes": liste.lignes, "totaux": liste.totaux,
                "entetes": form.entetes_tri(), "tri": form.libelle_tri()}
    # Going back to a page htmx did not cache asks for the whole page (history restore).
    partielle = request.htmx and not request.htmx.history_restore_request
    gabarit = "stages/liste_attente.html" + ("#liste" if partielle else "")
    return render(request, gabarit, contexte)


def _export(request, format_: str):
    antenne, aujourd_hui = request.acces.antenne, timezone.localdate()
    form = FiltresListeAttente(request.GET, antenne=antenne)
    filtres = form.filtres()
    tracer_consultation(request, Consultation.Objet.EXPORT,
                        detail=f"{format_} ; filtres : {form.demandes()}")
    rangees = exports.rangees_liste_attente(antenne, filtres, aujourd_hui)
    return rangees, exports.nom_fichier(antenne, filtres, aujourd_hui)


@droit_requis(Droit.LISTE_ATTENTE)
def export_liste_csv(request):
    rangees, nom = _export(request, "CSV")
    return tableurs.reponse_csv(exports.morceaux_csv(rangees), nom=nom)


@droit_requis(Droit.LISTE_ATTENTE)
def export_liste_xlsx(request):
    rangees, nom = _export(request, "XLSX")
    return tableurs.reponse_xlsx(lambda sortie: exports.ecrire_xlsx(rangees, sortie), nom=nom)

"""Import of a spreadsheet of orientations: upload and preview, then confirmation, which
hands the file to the worker (`stages.tasks.import_lancer`) and shows its progress.

Between the two, the uploaded bytes wait in the private folder of `stages.imports.apercus`
under a random name kept in the user's session with the antenne: the confirmation imports
exactly the previewed file, and never reads a path or a file sent by the browser.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from commun import tableurs
from stages import imports, services, tasks
from stages.access import Droit, droit_requis, objet_ou_404
from stages.imports import apercus
from stages.imports.ecriture import lot_suivre
from stages.models import Consultation, ImportLot

CLE_SESSION = apercus.CLE_SESSION
DERNIERS_IMPORTS = 5


def _oublier(request) -> None:
    """Remove the waiting import of this session, if any, and its file."""
    apercus.oublier_celui_de_la_session(request.session)


def _garder(request, contenu: bytes, nom_fichier: str) -> str:
    """Keep the previewed bytes for the confirmation; returns the token the page posts back
    (raises apercus.EcritureImpossible)."""
    _oublier(request)
    apercus.purger()
    jeton = apercus.garder(contenu)
    request.session[CLE_SESSION] = {
        "jeton": jeton, "antenne": request.acces.antenne.pk, "utilisateur": request.user.pk,
        "nom": nom_fichier,
    }
    return jeton


def _tracer_apercu(request, analyse: imports.Analyse) -> None:
    # The preview shows the known persons the file matches: a read of personal data.
    services.tracer_consultation(
        request, Consultation.Objet.APERCU_IMPORT,
        detail=f"« {analyse.nom_fichier} » ; {analyse.nb_lignes} ligne(s)",
    )


def _page(request, contexte: dict):
    gabarit = "stages/import.html" + ("#import" if request.htmx else "")
    return render(request, gabarit, {
        "colonnes": imports.colonnes_documentees(), "taille_max": tableurs.TAILLE_MAX_TEXTE,
        "lignes_max": tableurs.LIGNES_MAX_TEXTE,
        # The user's last imports here: a failed one stays in view.
        "derniers_imports": ImportLot.objects.filter(
            antenne=request.acces.antenne, user=request.user,
        ).defer("contenu").order_by("-cree_le", "-pk")[:DERNIERS_IMPORTS],
        **contexte,
    })


@droit_requis(Droit.LISTE_ATTENTE)
def import_orientations(request):
    """The columns and the upload; a posted file gives the preview of what will be created."""
    if request.method != "POST":
        return _page(request, {"form": imports.FormulaireImport()})
    form = imports.FormulaireImport(request.POST, request.FILES)
    if echec := apercus.echec_de_reception(request):
        # The file was not received: its reason, rather than "this field is required".
        form.is_valid()
        form.errors["fichier"] = form.error_class([echec], renderer=form.renderer)
        return _page(request, {"form": form})
    contexte = {"form": form}
    if form.is_valid():
        fichier = form.cleaned_data["fichier"]
        contenu = fichier.read()
        try:
            analyse = imports.import_analyser(
                antenne=request.acces.antenne, contenu=contenu, nom_fichier=fichier.name
            )
        except tableurs.FichierIllisible as erreur:
            form.add_error("fichier", str(erreur))
        else:
            try:
                contexte |= _apercu(request, analyse,
                                    lambda: _garder(request, contenu, fichier.name))
            except apercus.EcritureImpossible as erreur:
                form.add_error("fichier", str(erreur))
            else:
                _tracer_apercu(request, analyse)
    return _page(request, contexte)


def _apercu(request, analyse: imports.Analyse, garder) -> dict:
    """The preview's context; `garder()` keeps the file (returns its token) when it can be
    confirmed, or when staff may choose prescripteurs for the names it does not know."""
    contexte = {"analyse": analyse}
    if analyse.valide and analyse.a_creer:
        contexte["jeton"] = garder()
    elif analyse.prescripteurs_introuvables:
        contexte["jeton_correspondances"] = garder()
    return contexte


def _en_attente(request) -> dict | None:
    """The import waiting in this session, if the posted token is its own (same antenne,
    same user)."""
    en_attente = request.session.get(CLE_SESSION)
    if (
        en_attente
        and constant_time_compare(request.POST.get("jeton", ""), en_attente["jeton"])
        and en_attente["antenne"] == request.acces.antenne.pk
        and en_attente["utilisateur"] == request.user.pk
    ):
        return en_attente
    messages.error(request, "Cet import n'est plus en attente (déjà fait, remplacé par un "
                            "autre fichier ou expiré) : déposez le fichier à nouveau.")
    return None


FICHIER_DISPARU = "Le fichier de cet import n'est plus disponible : déposez-le à nouveau."


def _fichier_en_attente(request) -> tuple[dict | None, bytes | None]:
    """The import waiting in this session (None: see `_en_attente`) and its bytes (None if
    they are gone)."""
    en_attente = _en_attente(request)
    if en_attente is None:
        return None, None
    return en_attente, apercus.lire(en_attente["jeton"])


PREFIXE_CORRESPONDANCE = "correspondance:"


@droit_requis(Droit.LISTE_ATTENTE)
@require_POST
def import_correspondances(request):
    """Staff's choice of an existing prescripteur for each name of the file it does not know
    (kept in the session for this import's confirmation), then the preview again: also after
    creating a missing prescripteur in another tab."""
    en_attente, contenu = _fichier_en_attente(request)
    if contenu is None:
        if en_attente:
            messages.error(request, FICHIER_DISPARU)
        return redirect("stages:import_orientations")
    correspondances = {
        cle.removeprefix(PREFIXE_CORRESPONDANCE): int(valeur)
        for cle, valeur in request.POST.items()
        if cle.startswith(PREFIXE_CORRESPONDANCE) and valeur.isdigit()
    }
    analyse = imports.import_analyser(
        antenne=request.acces.antenne, contenu=contenu, nom_fichier=en_attente["nom"],
        correspondances=correspondances,
    )
    request.session[CLE_SESSION] = en_attente | {"correspondances": correspondances}
    _tracer_apercu(request, analyse)
    return _page(request, {"form": imports.FormulaireImport(),
                           **_apercu(request, analyse, lambda: en_attente["jeton"])})


@droit_requis(Droit.LISTE_ATTENTE)
@require_POST
def import_confirmer(request):
    en_attente, contenu = _fichier_en_attente(request)
    if en_attente is None:
        return redirect("stages:import_orientations")
    # Whatever happens now, this preview is used up: a second click finds nothing to confirm.
    _oublier(request)
    if contenu is None:
        messages.error(request, FICHIER_DISPARU)
        return redirect("stages:import_orientations")
    lot = imports.import_lot_creer(
        antenne=request.acces.antenne, user=request.user, contenu=contenu,
        nom_fichier=en_attente["nom"], correspondances=en_attente.get("correspondances"),
        # The known persons' values staff chose to take from the file.
        a_reprendre=frozenset(nom for nom, choix in request.POST.items()
                              if nom.startswith("reprendre-") and choix == "fichier"),
    )
    tasks.import_lancer(lot.pk)
    adresse = reverse("stages:import_suivi", args=[lot.pk])
    return HttpResponseClientRedirect(adresse) if request.htmx else redirect(adresse)


@droit_requis(Droit.LISTE_ATTENTE)
def import_suivi(request, lot_id: int):
    """An import's progress (the fragment polls while it runs), then its result; only for
    the staff of its antenne."""
    lot = lot_suivre(objet_ou_404(request, ImportLot.objects.defer("contenu"), pk=lot_id))
    gabarit = "stages/import_suivi.html" + ("#suivi" if request.htmx else "")
    return render(request, gabarit, {"lot": lot, "Etat": ImportLot.Etat})

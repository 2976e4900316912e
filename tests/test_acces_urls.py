"""Every URL of the project, found by walking the resolver: no page, partial or export
opens to an anonymous visitor, and none shows or changes antenne A's data for another antenne.

New URLs are picked up automatically. A URL parameter gets its value from PARAMETRES, keyed
by the parameter's name: a new name makes these tests fail until it is added there.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RoutePattern
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from convocations.models import Avis, Convocation, LotEnvoi
from stages.models import (
    Antenne,
    Consultation,
    ImportLot,
    Orientation,
    Personne,
    Prescripteur,
    Role,
    Stage,
)
from tests.factories import creer_convocation, creer_paiement, creer_stage, creer_utilisateur

# flux_stage: a calendar feed answers its secret token alone, without login (calendar
# applications cannot log in); tests/convocations/test_calendrier_convocation.py covers it.
NOMS_EXCLUS = {"connexion", "deconnexion", "flux_stage"}
ESPACES_EXCLUS = {"admin"}  # Django's admin checks is_staff itself (see test_roles.py)
MODULES_STATIQUES = {"django.views.static", "django.contrib.staticfiles.views"}

def _stage_de(temoin: Orientation) -> Stage:
    return Stage.objects.filter(antenne=temoin.antenne).first() or creer_stage(temoin.antenne)


def _paiement_de(temoin: Orientation):
    from paiements.models import Paiement

    return (Paiement.objects.filter(orientation=temoin).first()
            or creer_paiement(temoin, "50", mode="cheque", numero_cheque="TEMOIN-1", banque="Banque témoin"))


def _convocation_de(temoin: Orientation) -> Convocation:
    return (Convocation.objects.filter(orientation=temoin).first()
            or creer_convocation(temoin, _stage_de(temoin)))


def _attestation_de(temoin: Orientation):
    """The témoin's attestation, every séance marked present (issued once)."""
    from datetime import UTC, datetime

    from convocations.models import Attestation
    from convocations.services.attestations import attestation_emettre
    from convocations.services.presences import presence_marquer

    convocation = _convocation_de(temoin)
    if deja := Attestation.objects.filter(convocation=convocation).first():
        return deja
    apres = datetime(2100, 1, 1, tzinfo=UTC)
    for seance in convocation.stage.seances.all():
        presence_marquer(seance=seance, convocation=convocation, statut="present", maintenant=apres)
    return attestation_emettre(convocation=convocation)[0]


def _envoi_de(temoin: Orientation):
    from convocations.services.attestations import attestation_preparer_envoi

    return attestation_preparer_envoi(_attestation_de(temoin))
def _avis_de(temoin: Orientation) -> Avis:
    """A demande d'accord of A's témoin (its PDF and its accord form are A's alone)."""
    from datetime import timedelta

    from convocations.services.avis import accord_demander

    if avis := Avis.objects.filter(orientation=temoin).first():
        return avis
    return accord_demander(orientation=temoin, nouvelle_echeance=temoin.echeance + timedelta(days=400))[0]


# URL parameter name -> its value for an object of antenne A, given A's témoin orientation.
PARAMETRES: dict[str, Callable[[Orientation], object]] = {
    "orientation_id": lambda temoin: temoin.pk,
    "personne_id": lambda temoin: temoin.personne_id,
    "prescripteur_id": lambda temoin: temoin.prescripteur_id,
    "lot_id": lambda temoin: ImportLot.objects.get_or_create(
        antenne=temoin.antenne, nom_fichier="temoin.csv")[0].pk,
    "stage_id": lambda temoin: _stage_de(temoin).pk,
    "convocation_id": lambda temoin: _convocation_de(temoin).pk,
    "seance_id": lambda temoin: _convocation_de(temoin).stage.seances.first().pk,
    "annee": lambda temoin: 2026,
    "mois": lambda temoin: 12,
    "lot_envoi_id": lambda temoin: LotEnvoi.objects.get_or_create(stage=_stage_de(temoin))[0].pk,
    "paiement_id": lambda temoin: _paiement_de(temoin).pk,
    "recu_id": lambda temoin: _paiement_de(temoin).recus.first().pk,
    "attestation_id": lambda temoin: _attestation_de(temoin).pk,
    "envoi_id": lambda temoin: _envoi_de(temoin).pk,
    "avis_id": lambda temoin: _avis_de(temoin).pk,
}
# Parameters that name no object of antenne A (a month): such a URL opens to anyone with the
# right, showing their own antenne's data only.
SANS_OBJET = {"annee", "mois"}


@dataclass(frozen=True)
class Motif:
    nom: str | None  # with its namespace, "ns:nom"
    route: str
    parametres: tuple[str, ...]


def motifs_du_projet(
    resolveur: URLResolver, espace: str = "", route: str = "", parametres: tuple = ()
) -> Iterator[Motif]:
    for entree in resolveur.url_patterns:
        chemin = route + str(entree.pattern)
        noms = (*parametres, *entree.pattern.regex.groupindex)
        if isinstance(entree, URLResolver):
            if entree.namespace not in ESPACES_EXCLUS:
                sous_espace = f"{espace}{entree.namespace}:" if entree.namespace else espace
                yield from motifs_du_projet(entree, sous_espace, chemin, noms)
        elif entree.name not in NOMS_EXCLUS and entree.callback.__module__ not in MODULES_STATIQUES:
            yield Motif(entree.name and f"{espace}{entree.name}", chemin, noms)


MOTIFS = list(motifs_du_projet(get_resolver()))


def nom_du_motif(motif: Motif) -> str:
    return motif.nom or motif.route


def chemin_de(motif: Motif, temoin: Orientation) -> str:
    if motif.nom is None:
        pytest.fail(
            f"L'URL « {motif.route} » n'a pas de nom : ajoutez name=... à son path(). "
            "/ Give this URL pattern a name."
        )
    inconnus = [nom for nom in motif.parametres if nom not in PARAMETRES]
    if inconnus:
        pytest.fail(
            f"Paramètre d'URL {', '.join(inconnus)} inconnu dans « {motif.route} » : ajoutez-le "
            "à PARAMETRES dans tests/test_acces_urls.py (valeur désignant un objet de "
            "l'antenne A). / Unknown URL parameter: add it to PARAMETRES in "
            "tests/test_acces_urls.py, with a value naming an object of antenne A."
        )
    return reverse(motif.nom, kwargs={nom: PARAMETRES[nom](temoin) for nom in motif.parametres})


def etat_de(antenne: Antenne) -> list[list[dict]]:
    """Every row of A's personal data, prescripteurs and read traces, to prove a request
    changed nothing (nor was counted as a read of A's data)."""
    return [
        list(modele.objects.filter(antenne=antenne).order_by("pk").values())
        for modele in (Personne, Orientation, Prescripteur, Consultation)
    ]


def formulaire_force(temoin: Orientation) -> dict:
    """A forged POST: valid-looking fields that name antenne A and its objects."""
    return {
        "antenne": temoin.antenne_id, "personne": temoin.personne_id,
        "prescripteur": temoin.prescripteur_id, "orientation": temoin.pk,
        "nom": "Intrus", "prenom": "Ivan", "sexe": "M", "date_naissance": "1980-01-01",
        "cadre": "41-1", "date_orientation": "2026-09-01", "date_decision": "2026-08-20",
        "reference": "FORGE-1", "type_stage": "mixte", "urgent": "on", "statut": "annulee",
    }


def requete_forcee(temoin: Orientation) -> dict:
    """A forged query string aiming at antenne A: its search, filters, duplicates, return URL.
    The search is a prefix: the list shows back what was typed, which is no leak."""
    personne = temoin.personne
    return {
        "q": personne.nom[:3], "prescripteur": temoin.prescripteur_id, "statut": "tous",
        "nom": personne.nom, "prenom": personne.prenom,
        "date_naissance": personne.date_naissance.isoformat(), "personne_existante": personne.pk,
        "suivant": reverse("stages:orientation", args=[temoin.pk]), "antenne": temoin.antenne_id,
    }


def texte_de(reponse: HttpResponse) -> str:
    """What a user can read in a response (headers included), lower-cased for the leak check."""
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    type_contenu = reponse.get("Content-Type", "")
    if type_contenu.startswith("application/pdf"):
        texte = "\n".join(page.extract_text() for page in PdfReader(BytesIO(contenu)).pages)
    elif type_contenu.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        classeur = load_workbook(BytesIO(contenu), read_only=True)
        texte = "\n".join(
            str(valeur) for feuille in classeur
            for ligne in feuille.iter_rows(values_only=True) for valeur in ligne
        )
    elif type_contenu.startswith("text/") or not contenu:
        texte = contenu.decode(reponse.charset or "utf-8")
    else:
        pytest.fail(
            f"Réponse {type_contenu} illisible pour texte_de() (tests/test_acces_urls.py) : "
            "ajoutez son décodage. / Teach texte_de() to read this content type."
        )
    return f"{reponse.headers}\n{texte}".casefold()


def fuites(reponse: HttpResponse, donnees_personnelles: list[str]) -> list[str]:
    texte = texte_de(reponse)
    return [donnee for donnee in donnees_personnelles if donnee.casefold() in texte]


@pytest.fixture(params=[
    (Role.SECRETARIAT, "autre"), (Role.RESPONSABLE, "autre"), (Role.COORDINATION, None),
    (Role.ANIMATEUR, "a"),
], ids=["secretariat-autre-antenne", "responsable-autre-antenne", "coordination",
        "animateur-de-l-antenne-a"])
def intrus(request, antenne, autre_antenne):
    """Full rights in their own antenne, none in antenne A; coordination reads figures only;
    antenne A's own animateur sees no personal data of its orientations."""
    role, ou = request.param
    return creer_utilisateur(role, {"autre": autre_antenne, "a": antenne, None: None}[ou])


def test_le_parcours_suit_les_inclusions_et_leurs_parametres():
    def vue(request, **kwargs):
        return HttpResponse()

    racine = URLResolver(RoutePattern(""), [
        path("a/<int:antenne_id>/", (
            [path("b/<int:orientation_id>/", vue, name="b"), path("c/", vue)], "app", "ns"
        )),
        path("admin/", ([path("", vue, name="index")], "admin", "admin")),
        path("connexion/", vue, name="connexion"),
    ])

    assert list(motifs_du_projet(racine)) == [
        Motif("ns:b", "a/<int:antenne_id>/b/<int:orientation_id>/",
              ("antenne_id", "orientation_id")),
        Motif(None, "a/<int:antenne_id>/c/", ("antenne_id",)),
    ]


def test_le_parcours_voit_les_urls_du_projet():
    noms = {motif.nom for motif in MOTIFS}
    assert {"stages:accueil", "stages:changer_antenne"} <= noms
    assert not NOMS_EXCLUS & noms
    assert not [nom for nom in noms if nom and nom.startswith("admin:")]


@pytest.mark.parametrize(("motif", "message"), [
    (Motif("x", "x/<int:inconnu_id>/", ("inconnu_id",)), "inconnu_id inconnu"),
    (Motif(None, "x/", ()), "n'a pas de nom"),
])
def test_un_motif_inconnu_fait_echouer_avec_la_marche_a_suivre(temoin_a, motif, message):
    with pytest.raises(pytest.fail.Exception, match=message):
        chemin_de(motif, temoin_a)


@pytest.mark.parametrize("motif", MOTIFS, ids=nom_du_motif)
def test_anonyme_renvoye_a_la_connexion(client, temoin_a, motif):
    chemin = chemin_de(motif, temoin_a)
    avant = etat_de(temoin_a.antenne)

    for reponse in (client.get(chemin), client.post(chemin, formulaire_force(temoin_a))):
        assert reponse.status_code == 302, (
            f"{reponse.request['REQUEST_METHOD']} {chemin} : {reponse.status_code} ; "
            "@droit_requis doit être le premier décorateur (au-dessus de @require_POST)."
        )
        destination = urlsplit(reponse["Location"])
        assert destination.path == reverse("connexion")
        assert parse_qs(destination.query)["next"] == [chemin]
    assert etat_de(temoin_a.antenne) == avant


@pytest.mark.parametrize("motif", MOTIFS, ids=nom_du_motif)
def test_autre_antenne_ne_voit_ni_ne_modifie_rien_de_l_antenne_a(
    client, intrus, temoin_a, donnees_personnelles_a, motif
):
    chemin = chemin_de(motif, temoin_a)
    client.force_login(intrus)
    avant = etat_de(temoin_a.antenne)

    for entetes in ({}, {"HX-Request": "true"}):  # the page, then its htmx partial
        for reponse in (
            client.get(chemin, headers=entetes),
            client.get(chemin, requete_forcee(temoin_a), headers=entetes),
            client.post(chemin, formulaire_force(temoin_a), headers=entetes),
        ):
            requete = f"{reponse.request['REQUEST_METHOD']} {chemin} {entetes}"
            # 405: the view refuses the method before reading anything.
            nomme_un_objet = set(motif.parametres) - SANS_OBJET
            permis = {403, 404, 405} if nomme_un_objet else {200, 302, 403, 404, 405}
            assert reponse.status_code in permis, f"{requete} : {reponse.status_code}"
            assert fuites(reponse, donnees_personnelles_a) == [], requete
    assert etat_de(temoin_a.antenne) == avant


@pytest.mark.parametrize("motif", [m for m in MOTIFS if m.parametres], ids=nom_du_motif)
def test_l_antenne_a_ouvre_ses_propres_objets(client, secretariat, temoin_a, motif):
    """Control: the refusals above come from the antenne scope, not from a wrong parameter."""
    client.force_login(secretariat)
    chemin = chemin_de(motif, temoin_a)
    reponse = client.get(chemin)
    if reponse.status_code == 405:  # an action: POST only
        reponse = client.post(chemin)
    assert reponse.status_code not in (403, 404)


def _pdf(texte: str) -> HttpResponse:
    tampon = BytesIO()
    canvas = Canvas(tampon)
    canvas.drawString(72, 720, texte)
    canvas.save()
    return HttpResponse(tampon.getvalue(), content_type="application/pdf")


def _xlsx(texte: str) -> HttpResponse:
    classeur, tampon = Workbook(), BytesIO()
    classeur.active.append(["Personne", texte])
    classeur.save(tampon)
    return HttpResponse(
        tampon.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.mark.parametrize("fabrique", [
    lambda texte: HttpResponse(f"<td>{texte}</td>"), _pdf, _xlsx,
], ids=["html", "pdf", "xlsx"])
def test_le_detecteur_de_fuite_lit_les_pages_pdf_et_tableurs(fabrique):
    reponse = fabrique("TÉMOIN Zébulon")
    assert fuites(reponse, ["Témoin", "Zébulon", "Absent"]) == ["Témoin", "Zébulon"]


def test_le_detecteur_de_fuite_refuse_un_format_qu_il_ne_lit_pas():
    with pytest.raises(pytest.fail.Exception, match="ajoutez son décodage"):
        texte_de(HttpResponse(b"\x00\x01", content_type="application/zip"))

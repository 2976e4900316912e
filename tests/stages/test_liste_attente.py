from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from stages.models import Cadre, Orientation, Role, Sexe, Statut, TypeStage
from stages.selectors import (
    FiltresListe,
    liste_attente,
    mot_suivant,
    rangs_des_orientations,
    rangs_liste_attente,
)
from tests.factories import (
    creer_orientation,
    creer_personne,
    creer_prescripteur,
    creer_utilisateur,
)

URL = reverse("stages:liste_attente")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def aujourd_hui():
    return timezone.localdate()


def orientation(antenne, nom="Martin", prenom="Paul", *, sexe=Sexe.HOMME, **champs):
    personne = creer_personne(antenne, nom=nom, prenom=prenom, sexe=sexe)
    return creer_orientation(antenne, personne=personne, **champs)


def affichees(reponse) -> list[tuple[int | None, str]]:
    """(rang, nom) of each row shown, in order."""
    noms = dict(Orientation.objects.values_list("pk", "personne__nom"))
    return [(ligne.rang, noms[ligne.pk]) for ligne in reponse.context["lignes"]]


def trouves(client, texte: str) -> list[str]:
    """The noms shown by a search."""
    return [nom for _, nom in affichees(client.get(URL, {"q": texte}))]


def test_ordre_urgentes_puis_date_puis_id(antenne, parquet, aujourd_hui):
    jour = aujourd_hui - timedelta(days=90)
    tardive = orientation(antenne, "Tardive", date_orientation=jour, prescripteur=parquet)
    premiere = orientation(antenne, "Premiere", date_orientation=jour - timedelta(days=10),
                           prescripteur=parquet)
    meme_jour = orientation(antenne, "Memejour", date_orientation=jour, prescripteur=parquet)
    urgente = orientation(antenne, "Urgente", date_orientation=jour + timedelta(days=30),
                          urgent=True, motif_urgence="Réorientation", prescripteur=parquet)

    ordre = list(liste_attente(antenne, FiltresListe(), aujourd_hui))

    assert ordre == [urgente, premiere, tardive, meme_jour]
    assert rangs_liste_attente(antenne) == {
        urgente.pk: 1, premiere.pk: 2, tardive.pk: 3, meme_jour.pk: 4,
    }


def test_page_dans_l_ordre_avec_rangs_et_lien_vers_la_fiche(client_secretariat, antenne, parquet):
    ancienne = orientation(antenne, "Ancienne", prescripteur=parquet,
                           date_orientation=timezone.localdate() - timedelta(days=120))
    orientation(antenne, "Urgente", urgent=True, motif_urgence="Urgence du parquet",
                prescripteur=parquet)

    reponse = client_secretariat.get(URL)

    assert reponse.status_code == 200
    assert affichees(reponse) == [(1, "Urgente"), (2, "Ancienne")]
    contenu = reponse.content.decode()
    assert f'href="{reverse("stages:orientation", args=[ancienne.pk])}"' in contenu
    assert "Urgence du parquet" in contenu
    assert 'data-libelle="Attente (jours)" class="nombre liste-attente__detail">120</td>' in contenu
    assert f'href="{reverse("stages:import_orientations")}"' in contenu


def test_rang_garde_quand_la_recherche_filtre(client_secretariat, antenne, parquet, aujourd_hui):
    for jours, nom in [(300, "Abadie"), (200, "Bernard"), (100, "Cazals")]:
        orientation(antenne, nom, prescripteur=parquet,
                    date_orientation=aujourd_hui - timedelta(days=jours))

    reponse = client_secretariat.get(URL, {"q": "caz"})

    assert affichees(reponse) == [(3, "Cazals")]


def test_sorties_visibles_avec_un_filtre_sans_rang(client_secretariat, antenne, parquet,
                                                   aujourd_hui):
    orientation(antenne, "Annulee", prescripteur=parquet, statut=Statut.ANNULEE,
                motif_sortie="Annulation en accord avec le parquet",
                date_orientation=aujourd_hui - timedelta(days=50))
    orientation(antenne, "Transferee", prescripteur=parquet, statut=Statut.TRANSFEREE,
                date_orientation=aujourd_hui - timedelta(days=40))
    orientation(antenne, "Attente", prescripteur=parquet,
                date_orientation=aujourd_hui - timedelta(days=30))

    assert affichees(client_secretariat.get(URL)) == [(1, "Attente")]
    tous = client_secretariat.get(URL, {"statut": "tous"})
    assert affichees(tous) == [(None, "Annulee"), (None, "Transferee"), (1, "Attente")]
    assert "Annulation en accord avec le parquet" in tous.content.decode()
    annulees = client_secretariat.get(URL, {"statut": Statut.ANNULEE})
    assert affichees(annulees) == [(None, "Annulee")]


@pytest.mark.parametrize(
    ("parametres", "attendue"),
    [
        ({"cadre": Cadre.PEINE}, "Peine"),
        ({"sexe": Sexe.FEMME}, "Femme"),
        ({"urgent": "on"}, "Urgente"),
        ({"echeance": "depassee"}, "Depassee"),
        ({"echeance": "critique"}, "Critique"),
        ({"echeance": "proche"}, "Proche"),
        ({"echeance": "ok"}, "Ordinaire"),
        ({"prescripteur": "spip"}, "Suivie"),
    ],
)
def test_chaque_filtre(client_secretariat, antenne, parquet, aujourd_hui, parametres, attendue):
    spip = creer_prescripteur(antenne, nom="SPIP de Perpignan")
    dans = {n: aujourd_hui + timedelta(days=n) for n in (-5, 20, 45, 150)}
    commun = {"prescripteur": parquet, "echeance": dans[150]}
    orientation(antenne, "Ordinaire", **commun)
    orientation(antenne, "Peine", **(commun | {"cadre": Cadre.PEINE}))
    orientation(antenne, "Femme", sexe=Sexe.FEMME, type_stage=TypeStage.FEMMES, **commun)
    orientation(antenne, "Urgente", urgent=True, motif_urgence="Réorientation", **commun)
    orientation(antenne, "Depassee", **(commun | {"echeance": dans[-5]}))
    orientation(antenne, "Critique", **(commun | {"echeance": dans[20]}))
    orientation(antenne, "Proche", **(commun | {"echeance": dans[45]}))
    orientation(antenne, "Suivie", **(commun | {"prescripteur": spip}))
    if parametres.get("prescripteur") == "spip":
        parametres = {"prescripteur": spip.pk}

    reponse = client_secretariat.get(URL, parametres)

    noms = [nom for _, nom in affichees(reponse)]
    if parametres == {"echeance": "ok"}:
        assert "Depassee" not in noms and "Critique" not in noms and "Proche" not in noms
        assert "Ordinaire" in noms
    else:
        assert noms == [attendue]
    assert reponse.context["page"].paginator.count == len(noms)


def test_recherche_sans_accents_ni_casse(client_secretariat, antenne, parquet):
    orientation(antenne, "Durand", "Éloïse", prescripteur=parquet, reference="PA-26-0042")
    orientation(antenne, "Lefèvre-Dupont", "Jean-Pierre", prescripteur=parquet)
    orientation(antenne, "Martin", "Paul", prescripteur=parquet)

    assert trouves(client_secretariat, "ELOISE") == ["Durand"]
    assert trouves(client_secretariat, "élo dur") == ["Durand"]
    assert trouves(client_secretariat, "DÛRAND") == ["Durand"]
    assert trouves(client_secretariat, "dupont") == ["Lefèvre-Dupont"]
    assert trouves(client_secretariat, "pierre lefevre") == ["Lefèvre-Dupont"]
    assert trouves(client_secretariat, "pa-26") == ["Durand"]
    assert trouves(client_secretariat, "rand") == []  # prefixes only


def test_recherche_des_noms_d_autres_ecritures_et_lettres_liees(client_secretariat, antenne, parquet):
    orientation(antenne, "Иванов", "Андрей", prescripteur=parquet)
    orientation(antenne, "Cœurdevey", "Lætitia", prescripteur=parquet)
    orientation(antenne, "Zzyzx", "Zoé", prescripteur=parquet)  # an ASCII word after the others

    assert trouves(client_secretariat, "андр") == ["Иванов"]
    assert trouves(client_secretariat, "ИВАН") == ["Иванов"]
    assert trouves(client_secretariat, "laetitia coeur") == ["Cœurdevey"]
    assert trouves(client_secretariat, "lætitia") == ["Cœurdevey"]
    assert trouves(client_secretariat, "zzy") == ["Zzyzx"]


def test_recherche_par_chaque_mot_et_apres_un_changement_de_nom(
    client_secretariat, antenne, parquet
):
    artagnan = orientation(antenne, "d'Artagnan", "Charles", prescripteur=parquet)
    orientation(antenne, "Mazet", "Zoé", prescripteur=parquet)
    orientation(antenne, "Mb", "Zz", prescripteur=parquet)

    assert trouves(client_secretariat, "artagnan") == ["d'Artagnan"]
    assert trouves(client_secretariat, "maz") == ["Mazet"]  # the range ends before 'mb'
    assert trouves(client_secretariat, "zz") == ["Mb"]  # no end to the range
    personne = artagnan.personne
    personne.nom = "Porthos"
    personne.save()
    assert trouves(client_secretariat, "artagnan") == []
    assert trouves(client_secretariat, "porth") == ["Porthos"]


@pytest.mark.parametrize(("mot", "suivant"), [
    ("mar", "mas"), ("maz", "mb"), ("mazz", "mb"), ("zz", ""), ("a9", "aa"), ("19", "1a"),
    ("андр", ""), ("laßt", ""),
])
def testmot_suivant(mot, suivant):
    assert mot_suivant(mot) == suivant


def test_totaux(client_secretariat, antenne, parquet, aujourd_hui):
    def avec_echeance(jours, **champs):
        orientation(antenne, prescripteur=parquet,
                    echeance=aujourd_hui + timedelta(days=jours), **champs)

    avec_echeance(-1, urgent=True, motif_urgence="Réorientation")
    avec_echeance(-30)
    avec_echeance(0)
    avec_echeance(30, urgent=True, motif_urgence="Urgence du parquet")
    avec_echeance(31)
    avec_echeance(200)
    avec_echeance(-10, statut=Statut.ANNULEE)
    avec_echeance(-10, statut=Statut.CONVOQUEE, urgent=True)

    reponse = client_secretariat.get(URL, {"cadre": Cadre.PEINE})

    assert reponse.context["totaux"] == {
        "en_attente": 6, "urgentes": 2, "depassees": 2, "critiques": 2,
    }
    assert "<dt>Échéances dépassées</dt><dd>2</dd>" in reponse.content.decode()


def test_badges_d_echeance_en_texte(client_secretariat, antenne, parquet, aujourd_hui):
    depassee = aujourd_hui - timedelta(days=3)
    orientation(antenne, prescripteur=parquet, echeance=depassee,
                echeance_initiale=depassee - timedelta(days=90),
                accord_prolongation="Accord du parquet")
    orientation(antenne, prescripteur=parquet, echeance=aujourd_hui + timedelta(days=10))

    contenu = client_secretariat.get(URL).content.decode()

    assert f'badge--depassee">Dépassée</span>\n                  {depassee:%d/%m/%Y}' in contenu
    assert 'badge--critique">Critique</span>' in contenu
    assert contenu.count(">Prolongée</span>") == 1


def test_pagination_garde_les_filtres(client_secretariat, antenne, parquet, aujourd_hui):
    for jours in range(60, 0, -1):
        orientation(antenne, f"Peine{jours:02d}", cadre=Cadre.PEINE, prescripteur=parquet,
                    date_orientation=aujourd_hui - timedelta(days=jours))
    orientation(antenne, "Autre", prescripteur=parquet,
                date_orientation=aujourd_hui - timedelta(days=365))

    premiere = client_secretariat.get(URL, {"cadre": Cadre.PEINE})
    assert len(premiere.context["lignes"]) == 50
    assert premiere.context["page"].paginator.count == 60
    assert 'href="?cadre=131-5-1&amp;page=2"' in premiere.content.decode()

    seconde = client_secretariat.get(URL, {"cadre": Cadre.PEINE, "page": "2"})
    # "Autre" is first in the antenne's list: the ranks go on from 2.
    assert affichees(seconde) == [(52 + n, f"Peine{10 - n:02d}") for n in range(10)]


def test_rangs_de_la_seconde_page_sans_filtre(client_secretariat, antenne, parquet,
                                              aujourd_hui):
    for jours in range(60, 0, -1):
        orientation(antenne, f"Nom{jours:02d}", prescripteur=parquet, urgent=jours % 9 == 0,
                    motif_urgence="Réorientation",
                    date_orientation=aujourd_hui - timedelta(days=jours))

    seconde = client_secretariat.get(URL, {"page": "2"})

    rangs = {ligne.pk: ligne.rang for ligne in seconde.context["lignes"]}
    assert sorted(rangs.values()) == list(range(51, 61))
    assert rangs == rangs_liste_attente(antenne, parmi=list(rangs))


def test_htmx_ne_renvoie_que_le_fragment(client_secretariat, antenne, parquet):
    orientation(antenne, "Fragment", prescripteur=parquet)

    fragment = client_secretariat.get(URL, {"q": "frag"}, headers=HTMX)
    pleine = client_secretariat.get(URL, {"q": "frag"})
    retour = client_secretariat.get(
        URL, {"q": "frag"}, headers=HTMX | {"HX-History-Restore-Request": "true"}
    )

    assert "<html" not in fragment.content.decode()
    assert "<form" not in fragment.content.decode()
    assert "FRAGMENT" in fragment.content.decode()
    assert "<html" in pleine.content.decode() and 'id="liste"' in pleine.content.decode()
    assert "<html" in retour.content.decode()  # back button on a page htmx did not keep
    assert "HX-Request" in fragment["Vary"]


def test_jamais_les_orientations_d_une_autre_antenne(client_secretariat, antenne, autre_antenne,
                                                     parquet):
    orientation(antenne, "Locale", prescripteur=parquet)
    leur_parquet = creer_prescripteur(autre_antenne, nom="Parquet de Mende")
    orientation(autre_antenne, "Lozerien", prescripteur=leur_parquet, urgent=True)

    for parametres in ({}, {"statut": "tous"}, {"q": "loz"}, {"urgent": "on"}):
        reponse = client_secretariat.get(URL, parametres)
        assert "LOZERIEN" not in reponse.content.decode()
        assert reponse.context["totaux"]["en_attente"] == 1
    filtre_etranger = client_secretariat.get(URL, {"prescripteur": leur_parquet.pk})
    assert "Parquet de Mende" not in filtre_etranger.content.decode()
    assert filtre_etranger.context["form"].errors["prescripteur"]


@pytest.mark.parametrize(
    "parametres",
    [
        {"statut": "supprimee"},
        {"prescripteur": "abc"},
        {"prescripteur": "99999999999999999999999"},
        {"cadre": "41-9"},
        {"sexe": "X"},
        {"echeance": "bientot"},
        {"q": "x" * 500},
        {"q": "nul\x00"},
        {"q": "%_\\'\""},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
    ],
)
def test_valeurs_invalides_sans_erreur_500(client_secretariat, antenne, parquet, parametres):
    orientation(antenne, "Present", prescripteur=parquet)

    reponse = client_secretariat.get(URL, parametres)

    assert reponse.status_code == 200
    form = reponse.context["form"]
    champ = next(iter(parametres))
    if champ in form.errors:
        assert any(mot in form.errors[champ][0] for mot in ("Sélectionnez", "Assurez", "nul"))
    if champ != "q":
        # The bad value is dropped: the default list is shown.
        assert [nom for _, nom in affichees(reponse)] == ["Present"]


def test_droits(client, antenne):
    client.force_login(creer_utilisateur(Role.ANIMATEUR, antenne))
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("nombre", [1, 200])
@pytest.mark.parametrize(
    "parametres",
    [{}, {"statut": "tous"}, {"q": "nom", "sexe": "M", "urgent": "on", "prescripteur": "parquet"},
     {"tri": "-echeance"}, {"tri": "nom", "statut": "tous"}],
)
def test_nombre_de_requetes_independant_du_nombre_de_lignes(
    client_secretariat, antenne, parquet, django_assert_max_num_queries, nombre, parametres,
):
    for n in range(nombre):
        orientation(antenne, f"Nom{n}", prescripteur=parquet, urgent=n % 7 == 0,
                    statut=Statut.ANNULEE if n % 10 == 9 else Statut.EN_ATTENTE)
    if "prescripteur" in parametres:
        parametres = parametres | {"prescripteur": parquet.pk}

    # Session, user, membership, prescripteurs, totals, count, page, ranks, the trace of
    # the read, and the session renewed (3 with the test's savepoint; at most once a minute,
    # here the first request after force_login).
    with django_assert_max_num_queries(12):
        reponse = client_secretariat.get(URL, parametres)
    with django_assert_max_num_queries(12):
        fragment = client_secretariat.get(URL, parametres | {"page": "2"}, headers=HTMX)

    assert reponse.context["lignes"]
    assert fragment.status_code == 200


# --- Tri des colonnes ---------------------------------------------------------------------


@pytest.fixture
def trois(antenne, parquet, aujourd_hui):
    """Convocation order: Zola (urgent), Abadie, Martin; échéances in another order."""
    autre = creer_prescripteur(antenne, nom="Autre parquet")
    orientation(antenne, "Abadie", date_orientation=aujourd_hui - timedelta(days=200),
                echeance=aujourd_hui + timedelta(days=90), prescripteur=parquet)
    orientation(antenne, "Martin", date_orientation=aujourd_hui - timedelta(days=100),
                echeance=aujourd_hui + timedelta(days=30), prescripteur=autre)
    orientation(antenne, "Zola", date_orientation=aujourd_hui - timedelta(days=50),
                echeance=aujourd_hui + timedelta(days=60), urgent=True, motif_urgence="Parquet",
                prescripteur=None, cadre=Cadre.VOLONTAIRE)


@pytest.mark.parametrize(("tri", "attendu"), [
    ("", [(1, "Zola"), (2, "Abadie"), (3, "Martin")]),
    ("nom", [(2, "Abadie"), (3, "Martin"), (1, "Zola")]),
    ("-nom", [(1, "Zola"), (3, "Martin"), (2, "Abadie")]),
    ("echeance", [(3, "Martin"), (1, "Zola"), (2, "Abadie")]),
    ("-orientation", [(1, "Zola"), (3, "Martin"), (2, "Abadie")]),
    ("prescripteur", [(3, "Martin"), (2, "Abadie"), (1, "Zola")]),  # volontaire last
    ("-prescripteur", [(2, "Abadie"), (3, "Martin"), (1, "Zola")]),
])
def test_tri_des_colonnes_garde_le_rang_de_convocation(client_secretariat, trois, tri, attendu):
    assert affichees(client_secretariat.get(URL, {"tri": tri})) == attendu


@pytest.mark.parametrize("tri", ["inconnu", "-", "rang", "--nom", "nom\x00", "id"])
def test_tri_inconnu_donne_l_ordre_de_convocation(client_secretariat, trois, tri):
    reponse = client_secretariat.get(URL, {"tri": tri})

    assert reponse.status_code == 200
    assert affichees(reponse) == [(1, "Zola"), (2, "Abadie"), (3, "Martin")]
    assert "Ordre de convocation" in reponse.content.decode()


def test_la_page_dit_l_ordre_et_les_en_tetes_le_tri(client_secretariat, trois):
    contenu = client_secretariat.get(URL).content.decode()
    assert "Ordre de convocation" in contenu and "revenir à l'ordre" not in contenu
    assert contenu.count("aria-sort=") == 1  # the rank's column
    assert 'aria-sort="ascending"><a class="liste-attente__tri" href="?" hx-get="?"' in contenu
    assert '<a class="liste-attente__tri" href="?tri=echeance"' in contenu

    contenu = client_secretariat.get(URL, {"tri": "echeance", "urgent": "on"}).content.decode()
    assert "Trié par échéance (croissant)" in contenu
    assert 'hx-push-url="true">revenir à l\'ordre de convocation</a>' in contenu
    assert 'href="?urgent=on" hx-get="?urgent=on"' in contenu
    assert contenu.count("aria-sort=") == 1
    assert ('aria-sort="ascending"><a class="liste-attente__tri" href="?tri=-echeance&amp;urgent=on"'
            in contenu)
    # The filters' form sends the sort along, and the exports keep it.
    assert '<input type="hidden" name="tri" value="echeance" form="filtres-liste">' in contenu
    assert f'href="{reverse("stages:export_liste_csv")}?tri=echeance&amp;urgent=on"' in contenu

    contenu = client_secretariat.get(URL, {"tri": "-echeance"}).content.decode()
    assert 'aria-sort="descending"><a class="liste-attente__tri" href="?tri=echeance"' in contenu
def test_rangs_d_une_page_lus_sur_sa_partie_de_la_liste(antenne, parquet, aujourd_hui):
    """The ranks read from the days a page spans are those of the whole list's window,
    whichever rows the page holds: urgent or not, both, several on one day."""
    toutes = [
        orientation(antenne, f"Nom{n:02d}", prescripteur=parquet, urgent=n % 5 == 0,
                    motif_urgence="Réorientation",
                    statut=Statut.ANNULEE if n % 11 == 10 else Statut.EN_ATTENTE,
                    date_orientation=aujourd_hui - timedelta(days=40 - n // 3))
        for n in range(40)
    ]
    en_attente = [o for o in toutes if o.statut == Statut.EN_ATTENTE]
    urgentes = [o for o in en_attente if o.urgent]
    for page in (en_attente[3:9], en_attente[17:18], urgentes, urgentes[1:3] + en_attente[30:35],
                 toutes[::4], [o for o in en_attente if not o.urgent][-4:], [toutes[10]]):
        attendus = rangs_liste_attente(antenne, parmi=[o.pk for o in page if o.statut == Statut.EN_ATTENTE])
        assert rangs_des_orientations(antenne, page) == attendus
    assert rangs_des_orientations(antenne, []) == {}


@pytest.mark.parametrize("nombre", [1, 200])
@pytest.mark.parametrize(("parametres", "htmx", "requetes"), [
    # Session, user, membership, prescripteurs, totals, [count,] page ids, rows, [ranks,] trace.
    ({}, False, 7), ({"echeance": "critique", "urgent": "on"}, True, 9), ({"q": "nom"}, True, 9),
])
def test_nombre_exact_de_requetes_de_la_liste(
    client_secretariat, antenne, parquet, django_assert_num_queries, nombre, parametres,
    htmx, requetes, aujourd_hui,
):
    for n in range(nombre):
        orientation(antenne, f"Nom{n}", prescripteur=parquet, urgent=n % 7 == 0,
                    echeance=aujourd_hui + timedelta(days=n % 40))
    client_secretariat.get(URL)  # the session renewed once after force_login

    with django_assert_num_queries(requetes):
        reponse = client_secretariat.get(URL, parametres, headers=HTMX if htmx else {})

    assert reponse.context["lignes"]

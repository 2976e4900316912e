"""The benchmark code at a tiny scale, so that it cannot rot (no timing asserted here)."""

import random
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from stages.models import (
    Antenne,
    Cadre,
    Membre,
    Orientation,
    Personne,
    Role,
    Stage,
    TypePrescripteur,
    normaliser,
)
from tests.perf import donnees, mesure, mesure_import


@pytest.fixture
def volumes(db):
    return donnees.generer(nb_antennes=2, nb_orientations=101, aujourd_hui=date(2026, 3, 3))


def test_generer_cree_les_volumes_demandes(volumes):
    assert (volumes.antennes, volumes.prescripteurs) == (2, 2 * len(TypePrescripteur))
    assert volumes.orientations == volumes.personnes == 101
    assert [a.orientations.count() for a in Antenne.objects.order_by("code")] == [51, 50]
    assert 0 < volumes.en_attente < 101
    assert sorted(Membre.objects.values_list("role", "antenne__code")) == [
        (Role.COORDINATION, None),
        (Role.SECRETARIAT, "bench-01"), (Role.SECRETARIAT, "bench-02"),
    ]


def test_generer_donne_des_lignes_coherentes(volumes):
    orientations = Orientation.objects.all()
    assert not orientations.exclude(personne__antenne=F("antenne")).exists()
    assert not orientations.exclude(prescripteur__antenne=F("antenne")).exclude(
        cadre=Cadre.VOLONTAIRE).exists()
    assert not orientations.filter(cadre=Cadre.VOLONTAIRE, prescripteur__isnull=False).exists()
    assert not orientations.filter(echeance__lt=F("echeance_initiale")).exists()
    for personne in Personne.objects.all():
        assert personne.nom_normalise == normaliser(personne.nom)
        assert personne.prenom_normalise == normaliser(personne.prenom)


def _mesurer(scenario):
    antenne = Antenne.objects.get(code=donnees.code_antenne(1))
    (resultat,) = mesure.mesurer_tout([scenario], antenne=antenne, nb_requetes=3)
    return resultat


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.COORDINATION])
def test_mesurer_une_page_donne_durees_et_requetes(volumes, role):
    resultat = _mesurer(mesure.Scenario("accueil", "Accueil", "stages:accueil", role=role))

    assert (resultat.probleme, resultat.exemple) == ("", "/")
    assert len(resultat.durees_ms) == 3 and resultat.p50 > 0 and resultat.p95 <= resultat.max
    assert len(resultat.requetes) == mesure.COMPTEES and min(resultat.requetes) > 0
    section = mesure.section(titre="Essai", donnees=str(volumes), resultats=[resultat],
                             nb_requetes=3)
    assert "| Accueil | `/` |" in section and "101 orientations" in section


@pytest.mark.parametrize(("vue", "probleme"), [
    ("page_qui_n_existe_pas", "non disponible"),
    ("stages:changer_antenne", "réponse HTTP 405"),  # POST only
])
def test_mesurer_signale_une_page_absente_ou_en_erreur(volumes, vue, probleme):
    resultat = _mesurer(mesure.Scenario("essai", "Essai", vue))

    assert resultat.probleme == probleme and not resultat.durees_ms
    assert probleme in mesure.tableau_texte([resultat])


def test_remplacer_section_ne_touche_que_sa_section():
    texte = mesure.remplacer_section("# Mesures\n", "pdf", "ancien PDF")
    texte = mesure.remplacer_section(texte, "liste", "ancienne liste")
    texte = mesure.remplacer_section(texte, "pdf", "nouveau PDF")

    assert texte == (
        "# Mesures\n\n<!-- bench:pdf -->\nnouveau PDF\n<!-- /bench:pdf -->\n\n"
        "<!-- bench:liste -->\nancienne liste\n<!-- /bench:liste -->\n"
    )


def test_le_bench_refuse_une_base_qui_n_est_pas_de_bench():
    # The test database is not named bench*: the command must not flush it.
    with pytest.raises(CommandError, match="n'est pas une base de bench"):
        call_command("bench")



def test_generer_une_grande_antenne_en_plus(db):
    volumes = donnees.generer(nb_antennes=2, nb_orientations=20, aujourd_hui=date(2026, 3, 3),
                              grande_antenne=30)
    grande = Antenne.objects.get(code=donnees.CODE_GRANDE_ANTENNE)

    assert (volumes.antennes, volumes.orientations) == (3, 50)
    assert grande.orientations.count() == 30
    assert Membre.objects.filter(antenne=grande, role=Role.SECRETARIAT).exists()


def test_mesurer_les_exports_face_aux_bibliotheques(volumes):
    from tests.perf import exports as exports_bench

    antenne = Antenne.objects.get(code=donnees.code_antenne(1))
    resultats = exports_bench.mesurer_exports(antenne, repetitions=1)

    assert [r.libelle for r in resultats][:2] == ["Export CSV", "Export XLSX"]
    assert all(r.lignes == antenne.orientations.filter(statut="en_attente").count() for r in resultats)
    assert all(r.export_ms > 0 and r.base_ms > 0 for r in resultats)
    assert "| Export CSV |" in exports_bench.tableau_markdown(resultats)


def test_changelist_de_l_admin_du_bench(volumes, settings):
    from tests.perf import admin as admin_bench

    settings.ROOT_URLCONF = admin_bench.URLCONF
    antenne = Antenne.objects.get(code=donnees.code_antenne(1))
    resultat = mesure.mesurer(
        admin_bench.client_admin(),
        mesure.Scenario("admin", "Admin", "bench_admin:stages_orientation_changelist",
                        {"statut__exact": "en_attente", "antenne__id__exact": str(antenne.pk)}),
        antenne=antenne, nb_requetes=2, hasard=random.Random(1),  # noqa: S311
    )

    assert resultat.probleme == "" and len(resultat.durees_ms) == 2


def test_mesurer_import_cree_les_lignes_puis_les_annule(db):
    avant = Orientation.objects.count(), Antenne.objects.count()

    resultat = mesure_import.mesurer_import(12, repetitions=2)

    assert resultat.lignes == 12 and resultat.apercu_s > 0 and resultat.creation_s > 0
    assert (Orientation.objects.count(), Antenne.objects.count()) == avant
    assert "| 12 |" in mesure_import.ligne_markdown(resultat)


@pytest.fixture
def avec_stages(db):
    return donnees.generer(nb_antennes=2, nb_orientations=400, aujourd_hui=timezone.localdate(),
                           nb_stages=12, grand_stage=20)


def test_generer_des_stages_et_leurs_convocations(avec_stages):
    from convocations.models import STATUTS_OUVERTS, Convocation

    antenne = Antenne.objects.get(code=donnees.code_antenne(1))
    assert avec_stages.stages == Stage.objects.count() == 12
    assert avec_stages.convocations == Convocation.objects.count() > 21
    assert not Stage.objects.annotate(n=Count("seances")).exclude(n=2).exists()
    assert set(Stage.objects.values_list("places", "surreservation").exclude(
        lieu=donnees.LIEU_GRAND_STAGE)) == {(12, 3)}
    assert Stage.objects.filter(dernier_jour__lt=timezone.localdate()).exists()
    assert Stage.objects.filter(premier_jour__gt=timezone.localdate()).count() >= 2
    ouvertes = Convocation.objects.filter(statut__in=STATUTS_OUVERTS)
    for lieu, nombre in ((donnees.LIEU_UNE_CONVOCATION, 1), (donnees.LIEU_GRAND_STAGE, 20)):
        stage = Stage.objects.get(pk=donnees.stage_repere(antenne, lieu))
        assert ouvertes.filter(stage=stage).count() == nombre <= stage.capacite
    # One open convocation per orientation (the constraint holds), never beyond a stage's capacity,
    # always within the stage's antenne.
    assert not Stage.objects.annotate(n=Count("convocations")).filter(
        n__gt=F("places") + F("surreservation")).exists()
    assert not Convocation.objects.exclude(orientation__antenne=F("stage__antenne")).exists()
    assert not ouvertes.exclude(orientation__statut__in=["convoquee", "stage_effectue", "terminee"]).exists()


@pytest.mark.parametrize("scenario", mesure.SCENARIOS_STAGES, ids=lambda s: s.cle)
def test_les_scenarios_des_stages_repondent(avec_stages, scenario):
    resultat = _mesurer(scenario)

    assert resultat.probleme == "" and len(resultat.durees_ms) == 3
    assert min(resultat.requetes) > 0
    assert "stages" in resultat.exemple


def test_reconstruire_vide_la_base_puis_la_regenere(transactional_db):
    """The data preparation `make bench` and `make charge` share (outside a transaction, as
    the commands run it: PostgreSQL's VACUUM refuses one)."""
    premiers = donnees.reconstruire(antennes=2, orientations=20, annoncer=lambda _texte: None)
    seconds = donnees.reconstruire(antennes=2, orientations=20, annoncer=lambda _texte: None)

    assert premiers.orientations == seconds.orientations == Orientation.objects.count() == 20

"""The proposal page and the actions on a convocation, through the test client."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from convocations.models import Convocation, Entretien, StatutConvocation
from stages.models import Orientation, Role, Statut, StatutStage
from tests.factories import (
    creer_antenne,
    creer_convocation,
    creer_orientation,
    creer_stage,
    creer_utilisateur,
    dans_l_antenne,
)

AUJOURD_HUI = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _aujourd_hui(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: AUJOURD_HUI)


def _page(stage) -> str:
    return reverse("convocations:proposition", args=[stage.pk])


def _orientations(antenne, n: int) -> list[Orientation]:
    return [creer_orientation(antenne, date_orientation=date(2026, 9, 1 + i % 28)) for i in range(n)]


def _envoyer(client, stage, cochees, cle="jeton-1", **champs):
    return client.post(_page(stage), {"cle": cle, "choisies": [o.pk for o in cochees], **champs,
                                      **dans_l_antenne(stage.antenne)})


def test_la_page_propose_dans_l_ordre_et_coche_les_proposees(client_secretariat, antenne, stage):
    a, b, c, d = _orientations(antenne, 4)
    reponse = client_secretariat.get(_page(stage))
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    for o in (a, b, c):
        assert f'value="{o.pk}" id="choisie-{o.pk}" checked' in texte
    assert f'value="{d.pk}" id="choisie-{d.pk}">' in texte  # offered, not ticked
    assert "Suivant·es dans la liste" in texte


def test_confirmer_cree_et_renvoyer_le_meme_formulaire_ne_cree_rien(client_secretariat, antenne, stage):
    a, b = _orientations(antenne, 2)
    reponse = _envoyer(client_secretariat, stage, [a, b])
    assert reponse.status_code == 302
    assert Convocation.objects.filter(stage=stage).count() == 2
    assert "2 convocations créées." in client_secretariat.get(reponse["Location"]).content.decode()

    reponse = _envoyer(client_secretariat, stage, [a, b])
    assert reponse.status_code == 302 and Convocation.objects.count() == 2
    assert "déjà enregistrées" in client_secretariat.get(reponse["Location"]).content.decode()


def test_htmx_redirige_le_navigateur(client_secretariat, antenne, stage):
    (a,) = _orientations(antenne, 1)
    donnees = {"cle": "h", "choisies": [a.pk]} | dans_l_antenne(antenne)
    reponse = client_secretariat.post(_page(stage), donnees, headers={"HX-Request": "true"})
    assert reponse.status_code == 200 and reponse["HX-Redirect"]


def test_hors_rang_sans_motif_erreur_a_cote_du_champ(client_secretariat, antenne, stage):
    *_premiers, quatrieme = _orientations(antenne, 4)
    reponse = _envoyer(client_secretariat, stage, [quatrieme])
    texte = reponse.content.decode()
    assert reponse.status_code == 200
    assert f'id="id_motif_{quatrieme.pk}_error"' in texte and "indiquez le motif" in texte
    assert not Convocation.objects.exists()

    reponse = _envoyer(client_secretariat, stage, [quatrieme], **{f"motif_{quatrieme.pk}": "Réorientation"})
    assert reponse.status_code == 302 and Convocation.objects.get().motif_hors_rang == "Réorientation"


def test_plus_que_de_places_erreur_en_francais(client_secretariat, antenne, stage):
    orientations = _orientations(antenne, 4)
    motifs = {f"motif_{o.pk}": "urgence" for o in orientations}
    reponse = _envoyer(client_secretariat, stage, orientations, **motifs)
    assert reponse.status_code == 200
    assert "4 personnes cochées pour 3 places restantes" in reponse.content.decode()
    assert not Convocation.objects.exists()


def test_personne_convoquee_entre_temps_erreur_claire(client_secretariat, antenne, stage):
    (a,) = _orientations(antenne, 1)
    creer_convocation(a, creer_stage(antenne, jours=(date(2027, 1, 4),)))
    reponse = _envoyer(client_secretariat, stage, [a])
    assert reponse.status_code == 200 and "plus proposée" in reponse.content.decode()


@pytest.mark.parametrize("champs", [
    {"statut": StatutStage.ANNULE}, {"jours": ()}, {"jours": (date(2026, 11, 2),)},
])
def test_stage_non_convocable_message_sans_formulaire(client_secretariat, antenne, champs):
    stage = creer_stage(antenne, **champs)
    _orientations(antenne, 1)
    for reponse in (client_secretariat.get(_page(stage)), _envoyer(client_secretariat, stage, [])):
        assert reponse.status_code == 200
        texte = reponse.content.decode()
        assert 'role="alert"' in texte and "Convoquer les personnes" not in texte
    assert not Convocation.objects.exists()


@pytest.mark.parametrize("donnees", [
    {"cle": "x", "choisies": ["abc"]}, {"choisies": ["1"]}, {"cle": "x" * 500}, {"cle": "x"},
    {"cle": "x", "choisies": ["99999999999999999999"]},
])
def test_saisie_incoherente_jamais_de_500(client_secretariat, antenne, stage, donnees):
    _orientations(antenne, 2)
    reponse = client_secretariat.post(_page(stage), donnees | dans_l_antenne(antenne))
    assert reponse.status_code == 200 and not Convocation.objects.exists()


def test_autre_antenne_404_et_animateur_403(client, antenne, stage):
    convocation = creer_convocation(creer_orientation(antenne), stage)
    adresses = [_page(stage)] + [reverse(f"convocations:{nom}", args=[convocation.pk])
                                 for nom in ("confirmer", "reporter", "annuler", "entretien")]
    ailleurs = creer_antenne()
    for role, attendu in ((Role.SECRETARIAT, 404), (Role.RESPONSABLE, 404)):
        client.force_login(creer_utilisateur(role, ailleurs))
        for adresse in adresses:
            assert client.get(adresse).status_code == attendu
            assert client.post(adresse, {"motif": "x", **dans_l_antenne(ailleurs)}).status_code == attendu
    client.force_login(creer_utilisateur(Role.ANIMATEUR, antenne))
    for adresse in adresses:
        assert client.get(adresse).status_code == 403
    convocation.refresh_from_db()
    assert convocation.statut == StatutConvocation.CONVOQUEE


def test_reporter_motif_requis_puis_signale_l_accord(client_secretariat, antenne, stage):
    creer_stage(antenne, jours=(date(2027, 2, 15),))
    convocation = creer_convocation(creer_orientation(antenne, echeance=date(2027, 2, 1)), stage)
    adresse = reverse("convocations:reporter", args=[convocation.pk])
    assert "Report" in client_secretariat.get(adresse).content.decode()

    reponse = client_secretariat.post(adresse, {"motif": "", **dans_l_antenne(antenne)})
    assert reponse.status_code == 200 and "Indiquez le motif." in reponse.content.decode()

    reponse = client_secretariat.post(adresse, {"motif": "Hospitalisation"} | dans_l_antenne(antenne),
                                      follow=True)
    texte = reponse.content.decode()
    assert "Report enregistré" in texte and "Accord à demander : l&#x27;échéance du 01/02/2027" in texte
    convocation.refresh_from_db()
    assert convocation.statut == StatutConvocation.REPORTEE and convocation.accord_a_demander


def test_action_sur_une_convocation_deja_fermee_message_et_rien_de_change(client_secretariat, antenne, stage):
    convocation = creer_convocation(creer_orientation(antenne), stage, statut=StatutConvocation.ANNULEE)
    reponse = client_secretariat.post(reverse("convocations:confirmer", args=[convocation.pk]),
                                      dans_l_antenne(antenne), follow=True)
    assert reponse.status_code == 200 and "déjà « annulée »" in reponse.content.decode()


def test_entretien_depuis_la_liste_du_stage(client_secretariat, antenne, stage):
    convocation = creer_convocation(creer_orientation(antenne), stage)
    page = client_secretariat.get(_page(stage)).content.decode()
    assert "pas encore jointe" in page and reverse("convocations:entretien", args=[convocation.pk]) in page

    adresse = reverse("convocations:entretien", args=[convocation.pk])
    donnees = {"date": "2026-12-01", "mode": "telephone"} | dans_l_antenne(antenne)
    futur = client_secretariat.post(adresse, donnees)
    assert "jour à venir" in futur.content.decode() and not Entretien.objects.exists()

    reponse = client_secretariat.post(adresse, {"date": "2026-11-19", "mode": "telephone", "joint": "on",
                                                "note": "Viendra", **dans_l_antenne(antenne)})
    assert reponse.status_code == 302
    page = client_secretariat.get(_page(stage)).content.decode()
    assert "pas encore jointe" not in page and "Jointe (19/11/2026, par téléphone" in page


@pytest.mark.parametrize("attendu", [True, False])
def test_la_liste_des_non_joints_suit_le_reglage_de_l_antenne(client_secretariat, antenne, stage, attendu):
    creer_convocation(creer_orientation(antenne), stage)
    antenne.entretien_prealable_attendu = attendu
    antenne.save()
    assert ("pas encore jointe" in client_secretariat.get(_page(stage)).content.decode()) is attendu


@pytest.mark.parametrize("n", [1, 200])
def test_page_de_proposition_requetes_en_nombre_fixe(
    client_secretariat, antenne, django_assert_max_num_queries, n
):
    """Pinned at the same count with 1 and 200 convocations and as many people proposed."""
    stage = creer_stage(antenne, places=2 * n, surreservation=0)
    creer_stage(antenne, jours=(date(2027, 1, 11),))
    for orientation in _orientations(antenne, n):
        Entretien.objects.create(convocation=creer_convocation(orientation, stage), date=AUJOURD_HUI)
    _orientations(antenne, n)
    creer_orientation(antenne, echeance=date(2026, 12, 1))  # hors délais
    client_secretariat.get(_page(stage))  # the session and membership cached alike
    with django_assert_max_num_queries(12):
        reponse = client_secretariat.get(_page(stage))
    assert reponse.content.decode().count('name="choisies"') == n
    assert Orientation.objects.filter(statut=Statut.CONVOQUEE).count() == n


def _stage_convoque(antenne, n: int, jours=(date(2026, 12, 14), date(2026, 12, 15))):
    """A stage of `n` open convocations, each with an entretien (what the stage page lists)."""
    stage = creer_stage(antenne, jours=jours, places=n, surreservation=0)
    for orientation in _orientations(antenne, n):
        Entretien.objects.create(convocation=creer_convocation(orientation, stage), date=AUJOURD_HUI,
                                 joint=True)
    return stage


@pytest.mark.parametrize("n", [1, 200])
def test_page_du_stage_requetes_en_nombre_fixe_a_1_et_200_convocations(
    client_secretariat, antenne, django_assert_max_num_queries, n
):
    """The stage page with its convocations section: the same budget at 1 and 200."""
    stage = _stage_convoque(antenne, n)
    page = reverse("stages:stage", args=[stage.pk])
    client_secretariat.get(page)  # the session and membership cached alike
    # 12 of the page's own, 2 of the test's savepoint around the session save.
    with django_assert_max_num_queries(14):
        reponse = client_secretariat.get(page)
    assert reponse.content.decode().count("/confirmer/") >= n
    assert Convocation.objects.filter(stage=stage).count() == n


@pytest.mark.parametrize("n", [1, 200])
def test_ecran_des_stages_requetes_en_nombre_fixe_a_1_et_200_convocations(
    client_secretariat, antenne, django_assert_max_num_queries, n
):
    """The stages list counts each stage's convocations in the same queries at 1 and 200."""
    _stage_convoque(antenne, n)
    _stage_convoque(antenne, n, jours=(date(2026, 10, 5), date(2026, 10, 6)))  # past
    client_secretariat.get(reverse("stages:stages"))
    with django_assert_max_num_queries(9):  # as the list's own pinned test
        reponse = client_secretariat.get(reverse("stages:stages"))
    assert [s.convoques_affiches for s in reponse.context["a_venir"]] == [n]
    assert [s.convoques_affiches for s in reponse.context["passes"]] == [n]


def test_htmx_erreur_rend_le_fragment_de_la_proposition(client_secretariat, antenne, stage):
    *_premiers, quatrieme = _orientations(antenne, 4)
    donnees = {"cle": "f", "choisies": [quatrieme.pk]} | dans_l_antenne(antenne)
    reponse = client_secretariat.post(_page(stage), donnees, headers={"HX-Request": "true"})
    texte = reponse.content.decode()
    assert reponse.status_code == 200 and "<html" not in texte and "indiquez le motif" in texte
    assert reponse["Vary"] == "HX-Request" or "HX-Request" in reponse["Vary"]

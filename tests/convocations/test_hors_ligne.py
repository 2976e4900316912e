"""What the tablet kept while offline, sent when the network is back: each action once per key,
at the time it was made, refused in French when it must be (another antenne's séance or
person, a time in the future, a closed stage without reason); never a 500."""
# ruff: noqa: F811 (the fixtures of tests.convocations.emargement, taken as arguments)

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convocations.models import ActionTablette, NatureAction, Presence
from convocations.services.tablette import DEJA_RECUE, ENREGISTREE, tablette_appliquer
from stages.models import Membre, Role, StatutStage
from tests.concurrence import en_meme_temps
from tests.convocations.emargement import (  # noqa: F401 (fixtures)
    HX,
    TRAITS,
    action,
    animateur,
    convocation,
    convoquer,
    marquer,
    seance,
    signature,
    stage_passe,
    synchroniser,
)
from tests.factories import (
    creer_convocation,
    creer_orientation,
    creer_stage,
    creer_utilisateur,
    dans_l_antenne,
)


def test_une_marque_hors_ligne_garde_son_heure_d_origine(client, animateur, seance, convocation):
    client.force_login(animateur)
    faite_le = timezone.now() - timedelta(minutes=12)
    resultats = synchroniser(client, seance, [action(convocation, statut="retard", minutes="15",
                                                     faite_le=faite_le)])
    assert [r["etat"] for r in resultats] == [ENREGISTREE]
    presence = Presence.objects.get()
    assert (presence.statut, presence.minutes, presence.marque_le, presence.marque_par) == (
        "retard", 15, faite_le, animateur)
    enregistree = ActionTablette.objects.get()
    assert enregistree.hors_ligne and enregistree.faite_le == faite_le and enregistree.recue_le > faite_le


def test_la_meme_cle_n_est_jamais_comptee_deux_fois(client, animateur, seance, convocation):
    client.force_login(animateur)
    marque = action(convocation, statut="present")
    premier = synchroniser(client, seance, [marque, marque])
    second = synchroniser(client, seance, [marque])  # the answer was lost: sent again
    assert [r["etat"] for r in premier + second] == [ENREGISTREE, DEJA_RECUE, DEJA_RECUE]
    assert ActionTablette.objects.count() == 1
    assert Presence.objects.get().history.count() == 1


def test_un_double_tap_en_ligne_avec_sa_cle_ne_compte_qu_une_fois(client, animateur, seance, convocation):
    client.force_login(animateur)
    cle, faite_le = str(uuid.uuid4()), timezone.now().isoformat()
    for _ in range(2):
        reponse = marquer(client, seance, convocation, "present", HX, cle=cle, faite_le=faite_le)
        assert reponse.status_code == 200
    assert ActionTablette.objects.get().hors_ligne is False
    assert Presence.objects.get().history.count() == 1


def test_une_marque_et_une_signature_gardees_passent_dans_l_ordre(client, animateur, seance, convocation):
    client.force_login(animateur)
    resultats = synchroniser(client, seance, [action(convocation, statut="present"), signature(convocation)])
    assert [r["etat"] for r in resultats] == [ENREGISTREE, ENREGISTREE]
    assert Presence.objects.get().signature.startswith("<svg")
    assert list(ActionTablette.objects.values_list("nature", flat=True)) == ["marque", "signature"]


def test_une_marque_hors_ligne_plus_ancienne_ne_defait_pas_une_plus_recente(client, antenne, animateur,
                                                                           seance, convocation):
    """Tablet A marks absent offline at 10:00; tablet B marks present online at 10:05; A's mark
    arrives at 10:10: the later one (B's) stands, both tablets show it, the journal keeps A's."""
    secretariat = creer_utilisateur(Role.SECRETARIAT, antenne, username="bea")
    client.force_login(secretariat)
    marquer(client, seance, convocation, "present", HX)
    client.force_login(animateur)
    ancienne = action(convocation, statut="absent", faite_le=timezone.now() - timedelta(minutes=5))
    assert synchroniser(client, seance, [ancienne])[0]["etat"] == "remplacee"
    presence = Presence.objects.get()
    assert (presence.statut, presence.marque_par) == ("present", secretariat)
    assert ActionTablette.objects.get(cle=ancienne["cle"]).appliquee is False
    for qui in (animateur, secretariat):  # both tablets, at their next refresh
        client.force_login(qui)
        fragment = client.get(reverse("convocations:seance", args=[seance.pk]), headers=HX).content.decode()
        assert "Présent·e" in fragment and "Absent·e</span>" not in fragment


def test_deux_tablettes_la_derniere_marque_gagne_et_l_historique_garde_les_deux(client, antenne, animateur,
                                                                               seance, convocation):
    secretariat = creer_utilisateur(Role.SECRETARIAT, antenne, username="bea")
    client.force_login(animateur)
    synchroniser(client, seance, [action(convocation, statut="present",
                                         faite_le=timezone.now() - timedelta(minutes=2))])
    client.force_login(secretariat)
    synchroniser(client, seance, [action(convocation, statut="excuse")])
    presence = Presence.objects.get()
    assert presence.statut == "excuse"
    assert [h.statut for h in presence.history.order_by("history_id")] == ["present", "excuse"]
    client.force_login(animateur)
    fragment = client.get(reverse("convocations:seance", args=[seance.pk]), headers=HX).content.decode()
    assert "Absent·e excusé·e" in fragment


def test_une_marque_forgee_pour_une_autre_antenne_est_refusee(client, antenne, autre_antenne, animateur,
                                                             seance, convocation):
    ailleurs = creer_stage(autre_antenne, jours=(seance.date,))
    etrangere = creer_convocation(creer_orientation(autre_antenne), ailleurs)
    client.force_login(animateur)
    # A person of the other antenne, sent to a séance of ours: refused, nothing recorded.
    resultat = synchroniser(client, seance, [action(etrangere, statut="present")])[0]
    assert resultat["etat"] == "refusee" and "pas convoquée" in resultat["message"]
    # The other antenne's séance itself: 404, whatever the antenne named in the form.
    for nommee in (antenne, autre_antenne):
        reponse = synchroniser(client, ailleurs.seances.get(), [action(etrangere, statut="present")],
                               antenne=nommee)
        assert reponse.status_code in (403, 404)
    assert not Presence.objects.exists() and not ActionTablette.objects.exists()


def test_l_animateur_d_un_autre_stage_ne_synchronise_pas(client, antenne, seance, convocation):
    client.force_login(creer_utilisateur(Role.ANIMATEUR, antenne))
    assert synchroniser(client, seance, [action(convocation, statut="present")]).status_code == 404
    assert not Presence.objects.exists()


def test_une_heure_dans_le_futur_est_refusee(client, animateur, seance, convocation):
    client.force_login(animateur)
    resultat = synchroniser(client, seance, [action(convocation, statut="present",
                                                    faite_le=timezone.now() + timedelta(hours=2))])[0]
    assert resultat["etat"] == "refusee" and "dans le futur" in resultat["message"]
    assert not Presence.objects.exists()


@pytest.mark.parametrize("faite_le", [datetime(1, 1, 1, 0, 10, tzinfo=UTC),
                                      datetime(2000, 1, 1, 10, tzinfo=UTC)])
def test_une_heure_trop_ancienne_est_refusee(client, animateur, seance, convocation, faite_le):
    client.force_login(animateur)
    resultat = synchroniser(client, seance, [action(convocation, statut="present", faite_le=faite_le)])[0]
    assert resultat["etat"] == "refusee" and "plus de 30 jours" in resultat["message"]
    assert not Presence.objects.exists()


def test_sans_cle_ni_heure_une_action_gardee_est_refusee(client, animateur, seance, convocation):
    client.force_login(animateur)
    sans_cle = {"nature": "marque", "convocation": convocation.pk, "statut": "present"}
    resultat = synchroniser(client, seance, [sans_cle])[0]
    assert resultat["etat"] == "refusee" and "clé" in resultat["message"]
    assert not Presence.objects.exists()


def test_un_stage_clos_se_corrige_hors_ligne_seulement_avec_un_motif(client, animateur, seance, convocation):
    client.force_login(animateur)
    synchroniser(client, seance, [action(convocation, statut="present")])
    type(seance.stage).objects.filter(pk=seance.stage_id).update(statut=StatutStage.CLOS)
    refus = synchroniser(client, seance, [action(convocation, statut="absent")])[0]
    assert refus["etat"] == "refusee" and "motif" in refus["message"]
    correction = synchroniser(client, seance, [action(convocation, statut="absent", motif="Erreur de ligne")])
    assert correction[0]["etat"] == ENREGISTREE
    presence = Presence.objects.get()
    assert presence.statut == "absent" and presence.motif_correction == "Erreur de ligne"
    assert "correction : Erreur de ligne" in presence.history.first().history_change_reason


@pytest.mark.parametrize("corps", ["", "{", "{}", "[]", json.dumps([1] * 501), "[" * 3000])
def test_un_envoi_illisible_est_une_400_en_francais(client, animateur, seance, corps):
    client.force_login(animateur)
    reponse = client.post(reverse("convocations:synchroniser", args=[seance.pk]),
                          {**dans_l_antenne(seance.stage.antenne), "actions": corps})
    assert reponse.status_code == 400 and "synchroniser" in reponse.json()["erreur"]


def test_la_page_annonce_ce_qui_attend_le_reseau(client, animateur, seance, convocation):
    client.force_login(animateur)
    page = client.get(reverse("convocations:seance", args=[seance.pk])).content.decode()
    assert 'id="synchronisation"' in page and 'role="status"' in page
    assert reverse("convocations:synchroniser", args=[seance.pk]) in page
    assert f'data-tablette="{convocation.pk}"' in page


def test_requetes_d_une_synchronisation_par_action(client, antenne, animateur, seance,
                                                   django_assert_max_num_queries):
    convocations = convoquer(antenne, seance.stage, 10)
    client.force_login(animateur)
    client.get(reverse("stages:accueil"))
    actions = [action(c, statut="present") for c in convocations]
    with django_assert_max_num_queries(4 + 15 * len(actions)):
        assert [r["etat"] for r in synchroniser(client, seance, actions)] == [ENREGISTREE] * 10


VALEUR = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=True),
                   st.text(max_size=30), st.lists(st.integers(), max_size=3))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(st.one_of(
    st.fixed_dictionaries({"cle": st.one_of(st.uuids().map(str), VALEUR),
                           "nature": st.one_of(st.sampled_from(NatureAction.values), VALEUR),
                           "convocation": st.one_of(st.none(), VALEUR),
                           "statut": st.one_of(st.sampled_from(["present", "retard", "absent"]), VALEUR),
                           "minutes": VALEUR, "motif": VALEUR,
                           "faite_le": st.one_of(st.datetimes().map(lambda d: d.isoformat()), VALEUR),
                           "signature": st.one_of(st.just(json.dumps(TRAITS)), VALEUR)}),
    VALEUR), max_size=6))
def test_jamais_de_500_en_synchronisant(client, animateur, seance, convocation, actions):
    """Any list of actions: each recorded, already there or refused in French; never a 500."""
    client.force_login(animateur)
    for a in actions:
        if isinstance(a, dict) and a["convocation"] is None:
            a["convocation"] = convocation.pk
    reponse = client.post(reverse("convocations:synchroniser", args=[seance.pk]),
                          {**dans_l_antenne(seance.stage.antenne), "actions": json.dumps(actions)})
    assert reponse.status_code in (200, 400)
    if reponse.status_code == 200:
        resultats = reponse.json()["resultats"]
        assert len(resultats) == len(actions)
        assert all(r["etat"] in ("enregistree", "deja", "remplacee", "refusee") for r in resultats)
        assert all(r["message"] for r in resultats if r["etat"] == "refusee")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cle=st.one_of(st.uuids().map(str), st.text(max_size=80)),
       faite_le=st.one_of(st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=30)),
       statut=st.sampled_from(["present", "retard", "absent", "x"]), htmx=st.booleans())
def test_jamais_de_500_en_marquant_avec_cle_et_heure(client, animateur, seance, convocation, cle, faite_le,
                                                     statut, htmx):
    client.force_login(animateur)
    reponse = marquer(client, seance, convocation, statut, HX if htmx else None, cle=cle, faite_le=faite_le)
    assert reponse.status_code in (200, 302)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement")
@pytest.mark.django_db(transaction=True)
def test_la_meme_cle_envoyee_par_deux_connexions_a_la_fois_compte_une_fois(antenne):
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne)
    jour = timezone.localdate() - timedelta(days=1)
    stage = creer_stage(antenne, jours=(jour,))
    stage.animateurs.add(Membre.objects.get(user=animateur))
    seance = stage.seances.get()
    convocation = creer_convocation(creer_orientation(antenne), stage)
    donnees = {"cle": str(uuid.uuid4()), "statut": "present", "faite_le": timezone.now()}

    def envoyer():
        return tablette_appliquer(seance=seance, convocation=convocation, nature=NatureAction.MARQUE,
                                  donnees=donnees, par=animateur, hors_ligne=True)

    resultats, erreurs = en_meme_temps(envoyer)
    assert erreurs == [] and sorted(resultats) == [DEJA_RECUE, ENREGISTREE]
    assert ActionTablette.objects.count() == 1
    assert Presence.objects.get().history.count() == 1


@pytest.mark.parametrize("nombre", [1, 15])
def test_requetes_d_une_marque_avec_cle_et_d_une_synchronisation_epinglees(
        client, antenne, animateur, seance, django_assert_num_queries, nombre):
    """What `make bench` measures (tests/perf/presences.py), pinned whatever the list's length."""
    convocations = convoquer(antenne, seance.stage, nombre)
    for c in convocations[1:]:
        Presence.objects.create(convocation=c, seance=seance, statut="present", marque_le=timezone.now())
    client.force_login(animateur)
    client.get(reverse("stages:accueil"))
    with django_assert_num_queries(21):
        marquer(client, seance, convocations[0], "present", HX, cle=str(uuid.uuid4()),
                faite_le=timezone.now().isoformat())
    with django_assert_num_queries(18):
        synchroniser(client, seance, [action(convocations[0], statut="retard", minutes="5")])
    with django_assert_num_queries(14):
        synchroniser(client, seance, [signature(convocations[0])])

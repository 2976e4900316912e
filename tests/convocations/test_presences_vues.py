"""The émargement screens per role: the séances of the day, a séance's page and its list,
one mark (htmx and plain form), the feuille d'émargement PDF, the stage page's section."""
# ruff: noqa: F811 (the fixtures of tests.convocations.emargement, taken as arguments)

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convocations.models import Presence, StatutPresence
from stages.models import Membre, Role, Seance
from tests.commun.lecture import texte_poppler, texte_pypdf
from tests.convocations.emargement import (  # noqa: F401 (fixtures)
    HX,
    animateur,
    convocation,
    convoquer,
    marquer,
    seance,
    stage_passe,
)
from tests.factories import (
    creer_stage,
    creer_utilisateur,
    dans_l_antenne,
)


def _aujourd_hui():
    return timezone.localdate()


def test_l_animateur_du_stage_voit_la_seance_et_marque_d_un_tap(client, animateur, seance, convocation):
    client.force_login(animateur)
    page = client.get(reverse("convocations:seance", args=[seance.pk]))
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "DURAND Éloïse" in contenu and 'hx-trigger="every 5s"' in contenu
    assert "Non marqué·e" in contenu

    reponse = marquer(client, seance, convocation, "retard", HX, minutes="10")
    assert reponse.status_code == 200
    fragment = reponse.content.decode()
    assert 'id="liste-presences"' in fragment and "<html" not in fragment
    assert "En retard (10 min)" in fragment and "Alain Animateur" in fragment
    presence = Presence.objects.get()
    assert (presence.statut, presence.minutes, presence.marque_par) == ("retard", 10, animateur)


def test_sans_javascript_le_formulaire_revient_a_la_page_avec_le_message(client, animateur, seance,
                                                                         convocation):
    client.force_login(animateur)
    reponse = marquer(client, seance, convocation, "absent")
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("convocations:seance", args=[seance.pk])
    page = client.get(reponse["Location"])
    assert "DURAND Éloïse : absent·e." in page.content.decode()


def test_la_liste_se_rafraichit_seule_avec_les_marques_des_autres(client, animateur, secretariat, seance,
                                                                 convocation):
    client.force_login(secretariat)
    marquer(client, seance, convocation, "excuse", HX)
    client.force_login(animateur)
    fragment = client.get(reverse("convocations:seance", args=[seance.pk]), headers=HX).content.decode()
    assert "<html" not in fragment and "Absent·e excusé·e" in fragment


def test_un_refus_s_affiche_en_francais_au_dessus_de_la_liste(client, animateur, seance, convocation):
    client.force_login(animateur)
    reponse = marquer(client, seance, convocation, "retard", HX)
    assert reponse.status_code == 200
    assert "Indiquez les minutes de retard" in reponse.content.decode()
    assert not Presence.objects.exists()


def test_une_convocation_resolue_se_montre_et_se_corrige_avec_un_motif(client, animateur, stage_passe,
                                                                      convocation):
    client.force_login(animateur)
    premiere, seconde = stage_passe.seances.all()
    marquer(client, premiere, convocation, "present", HX)
    fragment = marquer(client, seconde, convocation, "present", HX).content.decode()
    assert "Stage effectué" in fragment and f'id="motif-{convocation.pk}"' in fragment
    refus = marquer(client, seconde, convocation, "excuse", HX, motif="Erreur").content.decode()
    assert "changerait l&#x27;issue du stage" in refus
    assert Presence.objects.get(seance=seconde).statut == "present"


def test_une_seance_a_venir_se_lit_mais_ne_se_marque_pas(client, antenne, animateur):
    demain = _aujourd_hui() + timedelta(days=1)
    stage = creer_stage(antenne, jours=(demain,))
    stage.animateurs.add(Membre.objects.get(user=animateur))
    seance = stage.seances.get()
    convocation = convoquer(antenne, stage)[0]
    client.force_login(animateur)
    page = client.get(reverse("convocations:seance", args=[seance.pk])).content.decode()
    assert "les présences se marquent à partir de son début" in page
    assert 'name="statut"' not in page  # no button offered
    reponse = marquer(client, seance, convocation, "present", HX)
    assert "les présences se marquent à partir de son début" in reponse.content.decode()
    assert not Presence.objects.exists()


def test_un_formulaire_sans_l_antenne_est_refuse(client, animateur, seance, convocation):
    client.force_login(animateur)
    reponse = client.post(reverse("convocations:marquer", args=[seance.pk]),
                          {"convocation": convocation.pk, "statut": "present"})
    assert reponse.status_code == 403 and not Presence.objects.exists()


def test_une_personne_d_un_autre_stage_est_une_404(client, antenne, animateur, seance):
    autre = convoquer(antenne, creer_stage(antenne))[0]
    client.force_login(animateur)
    assert marquer(client, seance, autre, "present", HX).status_code == 404
    assert not Presence.objects.exists()


URLS = ["convocations:seance", "convocations:marquer", "convocations:feuille"]


@pytest.mark.parametrize("nom", URLS)
def test_l_animateur_d_un_autre_stage_recoit_une_404(client, antenne, seance, convocation, nom):
    autre_animateur = creer_utilisateur(Role.ANIMATEUR, antenne)
    client.force_login(autre_animateur)
    assert client.get(reverse(nom, args=[seance.pk])).status_code == 404
    assert marquer(client, seance, convocation).status_code == 404
    assert not Presence.objects.exists()


@pytest.mark.parametrize("nom", URLS)
def test_une_autre_antenne_recoit_une_404(client, autre_antenne, seance, convocation, nom):
    client.force_login(creer_utilisateur(Role.SECRETARIAT, autre_antenne))
    assert client.get(reverse(nom, args=[seance.pk])).status_code == 404
    assert not Presence.objects.exists()


def test_la_coordination_n_a_pas_acces(client, seance):
    client.force_login(creer_utilisateur(Role.COORDINATION))
    assert client.get(reverse("convocations:seance", args=[seance.pk])).status_code == 403
    assert client.get(reverse("convocations:seances_du_jour")).status_code == 403


def test_le_secretariat_voit_et_marque_tous_les_stages_de_l_antenne(client, secretariat, seance, convocation):
    client.force_login(secretariat)  # runs no stage
    assert client.get(reverse("convocations:seance", args=[seance.pk])).status_code == 200
    assert marquer(client, seance, convocation, "present", HX).status_code == 200
    assert Presence.objects.get().marque_par == secretariat


def _seance_du_jour(antenne, lieu):
    stage = creer_stage(antenne, jours=(), lieu=lieu)
    Seance.objects.create(stage=stage, date=_aujourd_hui(), debut=time(0, 0), fin=time(23, 59))
    return stage


def test_mes_seances_du_jour(client, antenne, animateur, secretariat):
    mien = _seance_du_jour(antenne, "Salle de l'animateur")
    mien.animateurs.add(Membre.objects.get(user=animateur))
    _seance_du_jour(antenne, "Salle d'un autre")
    client.force_login(animateur)
    page = client.get(reverse("convocations:seances_du_jour")).content.decode()
    assert "Salle de l&#x27;animateur" in page and "Salle d&#x27;un autre" not in page
    accueil = client.get(reverse("stages:accueil")).content.decode()
    assert reverse("convocations:seance", args=[mien.seances.get().pk]) in accueil
    client.force_login(secretariat)
    page = client.get(reverse("convocations:seances_du_jour")).content.decode()
    assert "Salle de l&#x27;animateur" in page and "Salle d&#x27;un autre" in page


@pytest.mark.parametrize("nombre", [1, 15])
def test_requetes_de_la_page_et_d_une_marque_independantes_du_nombre(
        client, antenne, animateur, seance, django_assert_num_queries, nombre):
    convocations = convoquer(antenne, seance.stage, nombre)
    for c in convocations[1:]:  # every row but one already marked
        Presence.objects.create(convocation=c, seance=seance, statut="present", marque_le=timezone.now(),
                                marque_par=animateur)
    client.force_login(animateur)
    client.get(reverse("stages:accueil"))  # session and login settled
    with django_assert_num_queries(7):
        assert client.get(reverse("convocations:seance", args=[seance.pk])).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(reverse("convocations:seance", args=[seance.pk]), headers=HX).status_code == 200
    with django_assert_num_queries(17):
        assert marquer(client, seance, convocations[0], "present", HX).status_code == 200


def test_la_feuille_d_emargement_se_relit(client, antenne, animateur, seance, convocation):
    autre = convoquer(antenne, seance.stage, nom="Martin", prenom="Noël")[0]
    client.force_login(animateur)
    marquer(client, seance, convocation, "retard", HX, minutes="20")
    reponse = client.get(reverse("convocations:feuille", args=[seance.pk]))
    assert reponse["Content-Type"] == "application/pdf"
    texte = " ".join(texte_poppler(reponse.content).split())
    assert "Feuille d'émargement" in texte
    assert "09:00 à 17:00" in texte and seance.stage.lieu in texte
    assert "DURAND" in texte and "Éloïse" in texte and "En retard (20 min)" in texte
    assert "MARTIN" in texte and "Noël" in texte and "Signature" in texte
    assert "Alain Animateur" in texte
    assert texte_pypdf(reponse.content).count("Signature") >= 1
    assert autre.pk


def test_le_stage_montre_les_presences_par_seance(client, secretariat, seance, convocation):
    client.force_login(secretariat)
    marquer(client, seance, convocation, "absent", HX)
    page = client.get(reverse("stages:stage", args=[seance.stage_id])).content.decode()
    assert 'id="titre-encart-presences"' in page
    assert reverse("convocations:seance", args=[seance.pk]) in page
    assert "Absent·e : 1" in page and "1 / 1" in page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(statut=st.one_of(st.sampled_from(StatutPresence.values), st.text(max_size=20)),
       minutes=st.one_of(st.none(), st.integers(-5, 2000).map(str), st.text(max_size=8)),
       motif=st.text(max_size=400),
       ident=st.one_of(st.none(), st.integers(-3, 2**40).map(str), st.text(max_size=6)),
       htmx=st.booleans())
def test_jamais_de_500_en_marquant(client, animateur, seance, convocation, statut, minutes, motif, ident,
                                   htmx):
    """Any input: a mark, a French refusal or a 404, never a 500 (None: the real person)."""
    client.force_login(animateur)
    donnees = {"convocation": convocation.pk if ident is None else ident, "statut": statut, "motif": motif,
               **dans_l_antenne(seance.stage.antenne)}
    if minutes is not None:
        donnees["minutes"] = minutes
    reponse = client.post(reverse("convocations:marquer", args=[seance.pk]), donnees,
                          headers=HX if htmx else {})
    assert reponse.status_code in (200, 302, 404)

"""The échéances dashboard (sections of convocations.echeances) and the daily digest."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from commun.models import Envoi
from convocations.echeances import SECTIONS, recapitulatif_antenne, recapitulatif_quotidien, tableau
from convocations.models import Signalement
from convocations.services.avis import accord_demander
from stages.models import Orientation, Role, Statut
from tests.factories import creer_convocation, creer_orientation, creer_stage, creer_utilisateur

AUJOURD_HUI = date(2026, 12, 1)
# The home page: 6 queries of its own (session, user, memberships, indicators, today's
# séances…), then the dashboard: one per section (its lines and its count), and one for the
# people of the lines shown.
REQUETES_ACCUEIL = 6 + len(SECTIONS) + 1


def _avec_echeance(antenne, jours: int, **champs) -> Orientation:
    orientation = creer_orientation(antenne, **champs)
    Orientation.objects.filter(pk=orientation.pk).update(echeance=AUJOURD_HUI + timedelta(days=jours))
    orientation.refresh_from_db()
    return orientation


def _par_section(antenne, aujourd_hui=AUJOURD_HUI) -> dict[str, list[int]]:
    return {bloc.section.code: [o.pk for o in bloc.lignes] for bloc in tableau(antenne, aujourd_hui)}


def test_chaque_orientation_dans_sa_section(antenne, autre_antenne):
    depassee = _avec_echeance(antenne, -1)
    critique = _avec_echeance(antenne, 30)
    proche = _avec_echeance(antenne, 31)
    _avec_echeance(antenne, 61)  # in time: not listed
    a_retourner = _avec_echeance(antenne, 200, statut=Statut.A_RETOURNER)
    attend = _avec_echeance(antenne, 10)
    accord_demander(orientation=attend, nouvelle_echeance=AUJOURD_HUI + timedelta(days=100))
    _avec_echeance(antenne, -5, statut=Statut.TERMINEE)  # closed: not listed
    _avec_echeance(autre_antenne, -1)  # another antenne's
    assert _par_section(antenne) == {
        "depassee": [depassee.pk], "critique": [critique.pk], "proche": [proche.pk],
        "accord": [attend.pk], "a_retourner": [a_retourner.pk],
    }


def test_une_convocation_a_un_stage_qui_finit_avant_l_echeance_sort_du_tableau(antenne):
    a_temps = _avec_echeance(antenne, 20)
    trop_tard = _avec_echeance(antenne, 20)
    creer_convocation(a_temps, creer_stage(antenne, jours=(AUJOURD_HUI + timedelta(days=20),)))
    creer_convocation(trop_tard, creer_stage(antenne, jours=(AUJOURD_HUI + timedelta(days=21),)))
    assert _par_section(antenne)["critique"] == [trop_tard.pk]


def test_le_tableau_compte_au_dela_des_lignes_montrees(antenne):
    for jours in range(12):
        _avec_echeance(antenne, 31 + jours)
    (bloc,) = [b for b in tableau(antenne, AUJOURD_HUI, lignes=10) if b.section.code == "proche"]
    assert (bloc.total, len(bloc.lignes), bloc.reste) == (12, 10, 2)


def test_le_tableau_a_un_nombre_fixe_de_requetes(antenne, django_assert_num_queries):
    """Every section with more lines than shown: its lines and its count in one query, then
    the people of every line shown in one."""
    for jours in (-3, 5, 40, 10, 300):
        for _ in range(11):
            orientation = _avec_echeance(antenne, jours, statut=Statut.A_RETOURNER if jours == 300 else
                                         Statut.EN_ATTENTE)
            if jours == 10:
                accord_demander(orientation=orientation, nouvelle_echeance=AUJOURD_HUI + timedelta(days=100))
    with django_assert_num_queries(len(SECTIONS) + 1):
        blocs = tableau(antenne, AUJOURD_HUI)
        noms = [str(o.personne) + str(o.prescripteur) for bloc in blocs for o in bloc.lignes]
    assert len(noms) == 10 * len(SECTIONS) and {bloc.total for bloc in blocs} == {11}


@pytest.fixture
def personnel(antenne):
    return [creer_utilisateur(Role.SECRETARIAT, antenne, email="sophie@cpca.invalid"),
            creer_utilisateur(Role.RESPONSABLE, antenne, email="rachid@cpca.invalid"),
            creer_utilisateur(Role.ANIMATEUR, antenne, email="animateur@cpca.invalid"),
            creer_utilisateur(Role.SECRETARIAT, antenne, email="")]


def test_le_recapitulatif_ne_dit_que_le_nouveau_et_jamais_deux_fois(
    antenne, personnel, serveur_smtp, django_capture_on_commit_callbacks,
):
    premiere = _avec_echeance(antenne, -2)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(recapitulatif_antenne(antenne, AUJOURD_HUI)) == 2
    assert sorted(serveur_smtp.destinataires) == [["rachid@cpca.invalid"], ["sophie@cpca.invalid"]]
    corps = serveur_smtp.messages[0].get_body(("plain",)).get_content()
    assert str(premiere.personne.prenom) in corps and "Échéance dépassée" in corps

    with django_capture_on_commit_callbacks(execute=True):
        assert recapitulatif_antenne(antenne, AUJOURD_HUI) == []  # run again: nothing new
    assert len(serveur_smtp.messages) == 2

    nouvelle = _avec_echeance(antenne, 45)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(recapitulatif_antenne(antenne, AUJOURD_HUI + timedelta(days=1))) == 2
    corps = serveur_smtp.messages[-1].get_body(("plain",)).get_content()
    assert nouvelle.personne.nom.upper() in corps and premiere.personne.nom.upper() not in corps
    assert Signalement.objects.filter(antenne=antenne).count() == 2


def test_le_recapitulatif_quotidien_passe_chaque_antenne(antenne, autre_antenne, personnel):
    creer_utilisateur(Role.SECRETARIAT, autre_antenne, email="mende@cpca.invalid")
    _avec_echeance(antenne, -2)
    _avec_echeance(autre_antenne, -2)
    assert recapitulatif_quotidien() == 3
    assert recapitulatif_quotidien() == 0
    assert Envoi.objects.filter(nature="recapitulatif").count() == 3


def test_l_accueil_montre_le_tableau_au_personnel(client_secretariat, antenne, django_assert_num_queries):
    depassee = _avec_echeance(antenne, -400)
    client_secretariat.get(reverse("stages:accueil"))  # the session and its caches, once
    for _ in range(20):
        _avec_echeance(antenne, -10)
    with django_assert_num_queries(REQUETES_ACCUEIL):
        reponse = client_secretariat.get(reverse("stages:accueil"))
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "Échéances à traiter" in texte and str(depassee.personne) in texte
    page = client_secretariat.get(reverse("convocations:echeances"))
    assert page.status_code == 200 and str(depassee.personne) in page.content.decode()


def test_l_animateur_ne_voit_pas_le_tableau(client, antenne):
    _avec_echeance(antenne, -400)
    client.force_login(creer_utilisateur(Role.ANIMATEUR, antenne))
    assert "Échéances à traiter" not in client.get(reverse("stages:accueil")).content.decode()
    assert client.get(reverse("convocations:echeances")).status_code == 403


def test_sans_personne_a_prevenir_les_lignes_restent_nouvelles(antenne):
    creer_utilisateur(Role.SECRETARIAT, antenne, email="")
    _avec_echeance(antenne, -2)
    assert recapitulatif_antenne(antenne, AUJOURD_HUI) == []
    assert not Signalement.objects.exists()
    creer_utilisateur(Role.SECRETARIAT, antenne, email="arrivee@cpca.invalid")
    assert len(recapitulatif_antenne(antenne, AUJOURD_HUI)) == 1


def test_un_compte_desactive_ne_recoit_pas_le_recapitulatif(antenne):
    parti = creer_utilisateur(Role.SECRETARIAT, antenne, email="partie@cpca.invalid")
    parti.is_active = False
    parti.save()
    creer_utilisateur(Role.SECRETARIAT, antenne, email="reste@cpca.invalid")
    _avec_echeance(antenne, -2)
    assert [e.destinataire for e in recapitulatif_antenne(antenne, AUJOURD_HUI)] == ["reste@cpca.invalid"]


def test_une_demande_d_accord_depassee_par_une_prolongation_ne_cache_plus_l_orientation(antenne):
    """The échéance moved another way (prolonged from the orientation's page): the request
    made for the old one no longer holds the orientation out of the échéance sections."""
    orientation = _avec_echeance(antenne, 10)
    avis, _ = accord_demander(orientation=orientation, nouvelle_echeance=AUJOURD_HUI + timedelta(days=100))
    Orientation.objects.filter(pk=orientation.pk).update(echeance=AUJOURD_HUI + timedelta(days=20))

    par_section = _par_section(antenne)
    assert (par_section["critique"], par_section["accord"]) == ([orientation.pk], [])
    avis.refresh_from_db()
    assert not avis.attend_un_accord

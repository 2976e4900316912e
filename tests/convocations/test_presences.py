"""Marking attendance and resolving a convocation once every séance is marked (services)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from convocations.models import Presence, StatutConvocation, StatutPresence
from convocations.services.presences import convocation_resoudre, presence_marquer
from stages.models import Orientation, PolitiqueAbsence, Role, Statut, StatutStage
from tests.factories import creer_convocation, creer_orientation, creer_utilisateur

PARIS = ZoneInfo("Europe/Paris")
# After the fixture stage's last séance (14-15 décembre 2026, 9 h-17 h).
APRES = datetime(2026, 12, 15, 18, tzinfo=PARIS)


@pytest.fixture
def convocation(antenne, stage):
    return creer_convocation(creer_orientation(antenne), stage)


def _marquer(convocation, seance, statut, minutes=None, **kwargs):
    return presence_marquer(seance=seance, convocation=convocation, statut=statut, minutes=minutes,
                            maintenant=kwargs.pop("maintenant", APRES), **kwargs)


def _seances(stage):
    return list(stage.seances.all())


def test_une_marque_garde_qui_et_quand(antenne, stage, convocation):
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne)
    presence = _marquer(convocation, _seances(stage)[0], StatutPresence.PRESENT, par=animateur)
    presence.refresh_from_db()
    assert (presence.statut, presence.marque_par, presence.marque_le) == ("present", animateur, APRES)
    assert presence.history.count() == 1


def test_deux_tablettes_la_derniere_marque_l_emporte_l_historique_garde_les_deux(stage, convocation):
    seance = _seances(stage)[0]
    _marquer(convocation, seance, StatutPresence.ABSENT)
    _marquer(convocation, seance, StatutPresence.RETARD, minutes=10)
    presence = Presence.objects.get()
    assert (presence.statut, presence.minutes) == ("retard", 10)
    assert [h.statut for h in presence.history.order_by("history_id")] == ["absent", "retard"]
    assert presence.history.first().history_change_reason == "En retard (10 min)"


@pytest.mark.parametrize("maintenant", [
    datetime(2026, 12, 14, 8, 59, tzinfo=PARIS),  # the same day, before it starts
    datetime(2026, 12, 13, 18, tzinfo=PARIS),  # the day before
])
def test_une_seance_pas_encore_commencee_est_refusee(stage, convocation, maintenant):
    with pytest.raises(ValidationError, match="les présences se marquent à partir de son début"):
        _marquer(convocation, _seances(stage)[0], StatutPresence.PRESENT, maintenant=maintenant)
    assert not Presence.objects.exists()


def test_une_seance_commencee_se_marque(stage, convocation):
    _marquer(convocation, _seances(stage)[0], StatutPresence.PRESENT,
             maintenant=datetime(2026, 12, 14, 9, 0, tzinfo=PARIS))
    assert Presence.objects.count() == 1


def test_un_stage_annule_refuse(stage, convocation):
    stage.statut = StatutStage.ANNULE
    stage.save()
    with pytest.raises(ValidationError, match="annulé"):
        _marquer(convocation, _seances(stage)[0], StatutPresence.PRESENT)


def test_un_stage_clos_se_corrige_avec_un_motif_garde_dans_l_historique(stage, convocation):
    stage.statut = StatutStage.CLOS
    stage.save()
    seance = _seances(stage)[0]
    with pytest.raises(ValidationError, match="clos : indiquez le motif"):
        _marquer(convocation, seance, StatutPresence.PRESENT, motif="  ")
    presence = _marquer(convocation, seance, StatutPresence.PRESENT, motif="Oubli de la tablette")
    assert presence.motif_correction == "Oubli de la tablette"
    assert "correction : Oubli de la tablette" in presence.history.first().history_change_reason


def test_une_personne_d_un_autre_stage_est_refusee(antenne, stage, convocation):
    from tests.factories import creer_stage

    autre = creer_stage(antenne, jours=(date(2026, 12, 1),))
    with pytest.raises(ValidationError, match="pas convoquée au stage de cette séance"):
        _marquer(convocation, autre.seances.get(), StatutPresence.PRESENT)


@pytest.mark.parametrize(("statut", "minutes"), [
    (StatutPresence.RETARD, None), (StatutPresence.RETARD, 0), (StatutPresence.DEPART, 481),
])
def test_les_minutes_d_un_retard_ou_d_un_depart_sont_exigees_et_bornees(stage, convocation, statut, minutes):
    with pytest.raises(ValidationError) as refus:
        _marquer(convocation, _seances(stage)[0], statut, minutes=minutes)
    assert "entre 1 et 480" in str(refus.value)


def test_les_minutes_d_un_present_sont_ignorees(stage, convocation):
    assert _marquer(convocation, _seances(stage)[0], StatutPresence.PRESENT, minutes=30).minutes == 0


def test_un_statut_inconnu_est_refuse(stage, convocation):
    with pytest.raises(ValidationError, match="Choisissez une présence"):
        _marquer(convocation, _seances(stage)[0], "peut-etre")


def _tout_marquer(convocation, stage, *marques):
    for seance, (statut, minutes) in zip(_seances(stage), marques, strict=True):
        _marquer(convocation, seance, statut, minutes=minutes)
    convocation.refresh_from_db()
    convocation.orientation.refresh_from_db()
    return convocation, convocation.orientation


PRESENT = (StatutPresence.PRESENT, None)


def test_rien_n_est_resolu_tant_qu_une_seance_reste_a_marquer(stage, convocation):
    _marquer(convocation, _seances(stage)[0], StatutPresence.ABSENT)
    convocation.refresh_from_db()
    assert convocation.statut == StatutConvocation.CONVOQUEE
    assert convocation.orientation.statut == Statut.CONVOQUEE
    assert convocation_resoudre(convocation=convocation) is False


@pytest.mark.parametrize("derniere", [
    PRESENT, (StatutPresence.RETARD, 15), (StatutPresence.DEPART, 15),
], ids=["present", "retard-15", "depart-15"])
def test_toutes_les_seances_suivies_stage_effectue(stage, convocation, derniere):
    convocation, orientation = _tout_marquer(convocation, stage, PRESENT, derniere)
    assert convocation.statut == StatutConvocation.EFFECTUEE
    assert orientation.statut == Statut.STAGE_EFFECTUE and orientation.nb_absences == 0
    assert "Stage effectué" in orientation.history.first().history_change_reason


def test_une_seance_manquee_premiere_absence_retour_en_liste_a_son_rang(stage, convocation):
    date_orientation = convocation.orientation.date_orientation
    convocation, orientation = _tout_marquer(convocation, stage, PRESENT, (StatutPresence.RETARD, 16))
    assert convocation.statut == StatutConvocation.PARTIELLE
    assert orientation.statut == Statut.EN_ATTENTE and orientation.nb_absences == 1
    assert orientation.date_orientation == date_orientation  # the rank key is untouched
    assert "Seconde convocation après absence" in orientation.history.first().history_change_reason


def test_absente_a_tout_et_deja_absente_une_fois_a_retourner(stage, convocation):
    Orientation.objects.filter(pk=convocation.orientation_id).update(nb_absences=1)
    absent = (StatutPresence.ABSENT, None)
    convocation, orientation = _tout_marquer(convocation, stage, absent, (StatutPresence.EXCUSE, None))
    assert convocation.statut == StatutConvocation.ABSENTE
    assert orientation.statut == Statut.A_RETOURNER and orientation.nb_absences == 2


def test_la_politique_retour_renvoie_des_la_premiere_absence(antenne, stage, convocation):
    antenne.politique_absence = PolitiqueAbsence.RETOUR
    antenne.save()
    convocation, orientation = _tout_marquer(convocation, stage, PRESENT, (StatutPresence.ABSENT, None))
    assert orientation.statut == Statut.A_RETOURNER and orientation.nb_absences == 1


def test_la_tolerance_est_celle_de_l_antenne(antenne, stage, convocation):
    antenne.tolerance_minutes = 30
    antenne.save()
    convocation, orientation = _tout_marquer(convocation, stage, PRESENT, (StatutPresence.DEPART, 30))
    assert convocation.statut == StatutConvocation.EFFECTUEE


def test_une_convocation_resolue_se_corrige_avec_un_motif_sans_changer_son_issue(stage, convocation):
    convocation, _ = _tout_marquer(convocation, stage, PRESENT, (StatutPresence.RETARD, 10))
    seance = _seances(stage)[1]
    with pytest.raises(ValidationError, match="déjà résolue .* indiquez le motif"):
        _marquer(convocation, seance, StatutPresence.PRESENT)
    presence = _marquer(convocation, seance, StatutPresence.PRESENT,
                        motif="Arrivé à l'heure, erreur de saisie")
    assert presence.statut == "present"
    assert "correction : Arrivé à l'heure" in presence.history.first().history_change_reason


def test_une_correction_qui_changerait_l_issue_est_refusee_et_rien_n_est_garde(stage, convocation):
    convocation, orientation = _tout_marquer(convocation, stage, PRESENT, PRESENT)
    with pytest.raises(ValidationError, match="changerait l'issue du stage .*effectué.* → .*suivi en partie"):
        _marquer(convocation, _seances(stage)[0], StatutPresence.ABSENT, motif="Erreur")
    assert Presence.objects.filter(statut=StatutPresence.PRESENT).count() == 2
    assert Presence.history.count() == 2  # the refused mark left no trace either
    orientation.refresh_from_db()
    assert orientation.statut == Statut.STAGE_EFFECTUE


def test_une_convocation_reportee_ne_se_marque_pas(stage, convocation):
    convocation.statut = StatutConvocation.REPORTEE
    convocation.save()
    with pytest.raises(ValidationError, match="« reportée »"):
        _marquer(convocation, _seances(stage)[0], StatutPresence.PRESENT)

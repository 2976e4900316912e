from datetime import date

from convocations.demo import convocations_demo
from convocations.models import STATUTS_RESOLUS, Convocation, Entretien, StatutConvocation
from stages.models import Orientation, Statut
from tests.factories import creer_orientation, creer_stage


def test_la_demo_donne_des_convocations_dans_chaque_etat(antenne, autre_antenne):
    passe = creer_stage(antenne, jours=(date(2026, 10, 5), date(2026, 10, 6)))
    a_venir = creer_stage(antenne, places=12, surreservation=3)
    mende = creer_stage(autre_antenne, places=4, surreservation=0)
    for i in range(30):
        creer_orientation(antenne, date_orientation=date(2026, 9, 1 + i % 28))
    for i in range(5):
        creer_orientation(autre_antenne, date_orientation=date(2026, 9, 1 + i))

    creees = convocations_demo(stages=[passe, a_venir, mende], aujourd_hui=date(2026, 11, 20))

    assert creees == Convocation.objects.count() == 15 + 15 + 4
    # Every state but those the attendance gives.
    assert set(Convocation.objects.filter(stage=a_venir).values_list("statut", flat=True)) == set(
        StatutConvocation) - set(STATUTS_RESOLUS)
    assert Entretien.objects.filter(joint=True).exists() and Entretien.objects.filter(joint=False).exists()
    assert not Convocation.objects.filter(stage=mende).exclude(orientation__antenne=autre_antenne).exists()
    reportees = Orientation.objects.filter(convocations__statut=StatutConvocation.REPORTEE)
    # Back on the list with their report counted (some convoked again to the next stage).
    assert reportees.exists() and all(o.nb_reports == 1 for o in reportees)
    assert Statut.EN_ATTENTE in {o.statut for o in reportees}

    convocations_demo(stages=[passe, a_venir, mende], aujourd_hui=date(2026, 11, 20))
    assert Convocation.objects.count() == creees  # run twice: nothing more


def test_la_demo_marque_les_seances_commencees_des_stages_en_cours(antenne):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from convocations.demo import presences_demo
    from convocations.models import Presence
    from stages.models import StatutStage

    en_cours = creer_stage(antenne, jours=(date(2026, 11, 19), date(2026, 11, 20)),
                           statut=StatutStage.EN_COURS)
    planifie = creer_stage(antenne, jours=(date(2026, 11, 19),))
    for i in range(12):
        creer_orientation(antenne, date_orientation=date(2026, 9, 1 + i))

    # The second séance (9 h) has not started at 8 h: only the first is marked.
    maintenant = datetime(2026, 11, 20, 8, tzinfo=ZoneInfo("Europe/Paris"))
    assert presences_demo(stages=[en_cours, planifie], maintenant=maintenant) == 9
    premiere = en_cours.seances.first()
    assert Presence.objects.filter(seance=premiere).count() == 9
    assert {p.statut for p in Presence.objects.all()} >= {"present", "retard", "absent", "excuse", "depart"}
    assert not Convocation.objects.filter(stage=planifie).exists()
    assert presences_demo(stages=[en_cours], maintenant=maintenant) == 0  # run twice: nothing more

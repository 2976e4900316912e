"""Planning services (stages.planning): each rule on séances, the formats, the holidays of
the antenne's département, cancellation, and the signal the convocations app listens to."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from stages import planning
from stages.models import FormatStage, Role, Seance, Stage, StatutStage
from stages.planning import SeanceSaisie, SeancesRefusees
from tests.factories import creer_antenne, creer_stage, creer_utilisateur

LUNDI = date(2027, 1, 11)


def journee(jour: date, debut=time(9), fin=time(17), pauses=120, **champs) -> SeanceSaisie:
    return SeanceSaisie(date=jour, debut=debut, fin=fin, pauses_minutes=pauses, **champs)


def nouveau_stage(antenne, seances, **champs) -> Stage:
    return planning.stage_creer(
        antenne=antenne, stage=Stage(lieu="Maison des associations", places=12, surreservation=3),
        seances=seances, **champs,
    )


def refus_de(appel) -> planning.Refus:
    with pytest.raises(SeancesRefusees) as erreur:
        appel()
    return erreur.value.refus


# --- Public holidays and Sundays --------------------------------------------------------------

@pytest.mark.parametrize(("departement", "jour", "attendu"), [
    ("66", date(2026, 12, 26), ""),  # Saint-Étienne: Alsace-Moselle only
    ("67", date(2026, 12, 26), "jour férié (Saint-Étienne)"),
    ("68", date(2026, 4, 3), "jour férié (Vendredi saint)"),
    ("57", date(2026, 4, 3), "jour férié (Vendredi saint)"),
    ("66", date(2026, 4, 3), ""),
    ("971", date(2026, 5, 27), "jour férié (Abolition de l'esclavage)"),
    ("972", date(2026, 5, 22), "jour férié (Abolition de l'esclavage)"),
    ("66", date(2026, 5, 27), ""),
    ("48", date(2026, 12, 25), "jour férié (Noël)"),
    ("66", date(2026, 12, 13), "dimanche"),
    ("66", date(2026, 12, 14), ""),
])
def test_jours_signales_selon_le_departement(departement, jour, attendu):
    assert planning.signalement_du_jour(jour, departement) == attendu


# --- Formats ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("format_stage", "jours", "horaires"), [
    (FormatStage.DEUX_JOURS_CONSECUTIFS, [LUNDI, date(2027, 1, 12)], [(time(9), time(16, 30), 90)] * 2),
    (FormatStage.DEUX_JOURS_NON_CONSECUTIFS, [LUNDI, date(2027, 1, 18)], [(time(9), time(16, 30), 90)] * 2),
    (FormatStage.QUATRE_DEMI_JOURNEES, [LUNDI, LUNDI, date(2027, 1, 12), date(2027, 1, 12)],
     [(time(9), time(12), 0), (time(13, 30), time(16, 30), 0)] * 2),
    (FormatStage.SEPT_HEBDOMADAIRES, [date(2027, 1, 11 + 7 * n) if n < 3 else date(2027, 2, 7 * n - 20)
                                     for n in range(7)], [(time(13, 30), time(16, 30), 0)] * 7),
])
def test_formats_preremplissent_les_seances(antenne, format_stage, jours, horaires):
    seances = planning.seances_du_format(antenne=antenne, format_stage=format_stage, premier_jour=LUNDI)

    assert [s.date for s in seances] == jours
    assert [(s.debut, s.fin, s.pauses_minutes) for s in seances] == horaires
    assert max(planning.minutes_par_jour(seances).values()) <= 6 * 60  # the antenne's default hours


def test_format_aux_horaires_de_l_antenne(db):
    antenne = creer_antenne(debut_matin=time(8, 30), fin_matin=time(12), debut_apres_midi=time(13),
                            fin_apres_midi=time(16, 30))

    seance = planning.seances_du_format(antenne=antenne, format_stage=FormatStage.DEUX_JOURS_CONSECUTIFS,
                                        premier_jour=LUNDI)[0]

    assert (seance.debut, seance.fin, seance.pauses_minutes, seance.minutes_de_formation) == (
        time(8, 30), time(16, 30), 60, 7 * 60)


@pytest.mark.parametrize(("departement", "premier", "second"), [
    ("66", date(2027, 1, 9), date(2027, 1, 11)),  # a Saturday: the Sunday is skipped
    ("66", date(2026, 12, 24), date(2026, 12, 26)),  # Noël skipped
    ("67", date(2026, 12, 24), date(2026, 12, 28)),  # and in Alsace Saint-Étienne, then Sunday
])
def test_deux_jours_consecutifs_sautent_dimanches_et_feries(db, departement, premier, second):
    antenne = creer_antenne(departement=departement)

    seances = planning.seances_du_format(antenne=antenne, format_stage=FormatStage.DEUX_JOURS_CONSECUTIFS,
                                         premier_jour=premier)

    assert [s.date for s in seances] == [premier, second]


# --- Creation and its rules -----------------------------------------------------------------

def test_creer_un_stage_avec_ses_seances(antenne):
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne).membres.get()

    stage = nouveau_stage(antenne, [journee(date(2027, 1, 12)), journee(LUNDI)], animateurs=[animateur])

    assert stage.antenne == antenne and stage.statut == StatutStage.PLANIFIE
    assert (stage.premier_jour, stage.dernier_jour) == (LUNDI, date(2027, 1, 12))
    assert list(stage.seances.values_list("date", flat=True)) == [LUNDI, date(2027, 1, 12)]
    assert list(stage.animateurs.all()) == [animateur]
    assert stage.history.get().history_change_reason == "Création"
    assert Seance.history.filter(stage_id=stage.pk).count() == 2


def test_fin_avant_debut_refusee_a_cote_du_champ(antenne):
    refus = refus_de(lambda: nouveau_stage(antenne, [journee(LUNDI),
                                                     journee(date(2027, 1, 12), fin=time(8), pauses=0)]))

    assert dict(refus.par_seance) == {1: {"fin": ["La fin de la séance doit être après son début."]}}
    assert not Stage.objects.exists()


def test_pauses_plus_longues_que_la_seance_refusees(antenne):
    refus = refus_de(lambda: nouveau_stage(antenne, [journee(LUNDI, debut=time(9), fin=time(10), pauses=60)]))

    assert refus.par_seance[0] == {"pauses_minutes": ["Les pauses dépassent la durée de la séance."]}


def test_seances_qui_se_chevauchent_refusees(antenne):
    refus = refus_de(lambda: nouveau_stage(antenne, [
        journee(LUNDI, fin=time(12), pauses=0), journee(LUNDI, debut=time(11, 30), pauses=0),
    ]))

    assert refus.par_seance[1] == {"debut": ["Cette séance chevauche celle du 11/01/2027 de 09:00 à 12:00."]}


def test_seances_bout_a_bout_acceptees(antenne):
    stage = nouveau_stage(antenne, [journee(LUNDI, fin=time(12), pauses=0),
                                    journee(LUNDI, debut=time(12), fin=time(14), pauses=0)])

    assert stage.seances.count() == 2


def test_un_stage_sans_seance_refuse(antenne):
    refus = refus_de(lambda: nouveau_stage(antenne, []))

    assert refus.general[None] == ["Un stage compte au moins une séance : ajoutez-en une."]


def test_plus_de_six_heures_par_jour_sans_justification_refusee(antenne):
    """Two séances of the same day add up: 4 h + 3 h = 7 h of training."""
    seances = [journee(LUNDI, fin=time(13), pauses=0), journee(LUNDI, debut=time(14), pauses=0)]
    refus = refus_de(lambda: nouveau_stage(antenne, seances))

    message, = refus.general["justification_duree"]
    assert "le 11/01/2027 (7 h)" in message and "R131-36" in message
    assert not Stage.objects.exists()


def test_plus_de_six_heures_par_jour_avec_justification_gardee_dans_l_historique(antenne):
    stage = nouveau_stage(antenne, [journee(LUNDI, pauses=45)],
                          justification_duree="Usage local : 2 fois 7 heures, pauses d'un quart d'heure")

    assert stage.justification_duree == "Usage local : 2 fois 7 heures, pauses d'un quart d'heure"
    assert "2 fois 7 heures" in stage.history.get().history_change_reason
    avertissement, = planning.avertissements(stage, list(stage.seances.all()))
    assert "Le 11/01/2027 compte 7 h 15 de formation effective" in avertissement
    assert "2 fois 7 heures" in avertissement


def test_justification_inutile_non_gardee(antenne):
    stage = nouveau_stage(antenne, [journee(LUNDI)], justification_duree="Sans objet")

    assert stage.justification_duree == ""


def test_animateur_d_une_autre_antenne_refuse(antenne, autre_antenne):
    ailleurs = creer_utilisateur(Role.ANIMATEUR, autre_antenne).membres.get()

    with pytest.raises(ValidationError, match="animateur·rices de l'antenne"):
        nouveau_stage(antenne, [journee(LUNDI)], animateurs=[ailleurs])
    assert not Stage.objects.exists()


# --- Warnings of the stage page ------------------------------------------------------------

def test_plus_d_un_mois_et_dimanche_signales(antenne):
    stage = nouveau_stage(antenne, planning.seances_du_format(
        antenne=antenne, format_stage=FormatStage.SEPT_HEBDOMADAIRES, premier_jour=date(2027, 1, 10)))

    avertissements = planning.avertissements(stage, list(stage.seances.all()))

    assert any("plus d'un mois" in a for a in avertissements)
    assert "La séance du 10/01/2027 tombe un dimanche." in avertissements
    assert len(avertissements) == 1 + 7  # the seven séances fall on Sundays


def test_un_mois_tout_juste_sans_avertissement(antenne):
    stage = nouveau_stage(antenne, [journee(date(2027, 2, 1)), journee(date(2027, 2, 26))])

    assert planning.avertissements(stage, list(stage.seances.all())) == []
    assert planning.depasse_un_mois(date(2027, 2, 1), date(2027, 3, 1))


# --- Séances edited ---------------------------------------------------------------------------

def saisies(stage) -> list[SeanceSaisie]:
    return [SeanceSaisie(date=s.date, debut=s.debut, fin=s.fin, pauses_minutes=s.pauses_minutes,
                         module=s.module, id=s.pk) for s in stage.seances.all()]


@pytest.fixture
def recus():
    """The stages `seances_modifiees` was sent for."""
    stages = []

    def recepteur(sender, stage, **kwargs):
        assert sender is Stage
        stages.append(stage.pk)

    planning.seances_modifiees.connect(recepteur)
    yield stages
    planning.seances_modifiees.disconnect(recepteur)


def test_modifier_ajouter_supprimer_des_seances(antenne, recus, django_capture_on_commit_callbacks):
    stage = creer_stage(antenne, jours=(LUNDI, date(2027, 1, 12)))
    premiere, seconde = saisies(stage)
    premiere.date = date(2027, 1, 4)
    nouvelle = journee(date(2027, 1, 19), module="Le Parent")

    with django_capture_on_commit_callbacks(execute=True):
        planning.seances_enregistrer(stage=stage, seances=[premiere, nouvelle])

    stage.refresh_from_db()
    assert list(stage.seances.values_list("date", "module")) == [
        (date(2027, 1, 4), ""), (date(2027, 1, 19), "Le Parent")]
    assert (stage.premier_jour, stage.dernier_jour) == (date(2027, 1, 4), date(2027, 1, 19))
    assert not Seance.objects.filter(pk=seconde.id).exists()
    assert Seance.history.filter(id=seconde.id, history_type="-").exists()
    assert recus == [stage.pk]


def test_signal_envoye_seulement_apres_la_validation(antenne, recus, django_capture_on_commit_callbacks):
    stage = creer_stage(antenne, jours=(LUNDI,))
    seance, = saisies(stage)
    seance.debut = time(9, 30)

    with django_capture_on_commit_callbacks(execute=False) as rappels:
        planning.seances_enregistrer(stage=stage, seances=[seance])

    assert recus == [] and len(rappels) == 1


def test_rien_de_change_pas_de_signal(antenne, recus, django_capture_on_commit_callbacks):
    stage = creer_stage(antenne, jours=(LUNDI,))

    with django_capture_on_commit_callbacks(execute=True):
        planning.seances_enregistrer(stage=stage, seances=saisies(stage))

    assert recus == []


def test_seance_d_un_autre_stage_refusee(antenne, autre_antenne):
    stage, autre = creer_stage(antenne, jours=(LUNDI,)), creer_stage(autre_antenne, jours=(LUNDI,))

    with pytest.raises(ValidationError, match="n'appartient pas à ce stage"):
        planning.seances_enregistrer(stage=stage, seances=saisies(autre))
    assert autre.seances.count() == 1 and stage.seances.count() == 1


def test_journee_trop_longue_en_modification_demande_une_justification(antenne):
    stage = creer_stage(antenne, jours=(LUNDI,))
    seance, = saisies(stage)
    seance.pauses_minutes = 0

    with pytest.raises(SeancesRefusees):
        planning.seances_enregistrer(stage=stage, seances=[seance])
    planning.seances_enregistrer(stage=stage, seances=[seance], justification_duree="Audience tardive")

    stage.refresh_from_db()
    assert stage.justification_duree == "Audience tardive"
    assert stage.history.latest().history_change_reason == "Journée de plus de 6 h : Audience tardive"


def test_seances_d_un_stage_annule_ne_changent_plus(antenne):
    stage = creer_stage(antenne, jours=(LUNDI,))
    planning.stage_annuler(stage=stage, motif="Salle indisponible")

    with pytest.raises(ValidationError, match="Ce stage est annulé"):
        planning.seances_enregistrer(stage=stage, seances=saisies(stage))


# --- Edit and cancellation --------------------------------------------------------------------

def test_modifier_le_stage(antenne):
    stage = creer_stage(antenne, jours=(LUNDI,))
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne).membres.get()

    planning.stage_modifier(stage=stage, champs={"lieu": "Salle du conseil", "places": 10},
                            animateurs=[animateur])

    stage.refresh_from_db()
    assert (stage.lieu, stage.places, list(stage.animateurs.all())) == ("Salle du conseil", 10, [animateur])


def test_places_hors_limites_refusees(antenne):
    stage = creer_stage(antenne, jours=(LUNDI,))

    with pytest.raises(ValidationError) as erreur:
        planning.stage_modifier(stage=stage, champs={"places": 0})
    assert "places" in erreur.value.message_dict


def test_annuler_garde_le_stage_et_le_motif(antenne, django_capture_on_commit_callbacks):
    stage = creer_stage(antenne, jours=(LUNDI,))
    annules = []
    planning.stage_annule.connect(recepteur := lambda sender, stage, **kw: annules.append(stage.pk))

    with django_capture_on_commit_callbacks(execute=True):
        planning.stage_annuler(stage=stage, motif="Animatrice malade")
    planning.stage_annule.disconnect(recepteur)

    stage.refresh_from_db()
    assert (stage.statut, stage.motif_annulation) == (StatutStage.ANNULE, "Animatrice malade")
    assert stage.history.latest().history_change_reason == "Annulé : Animatrice malade"
    assert stage.seances.count() == 1 and annules == [stage.pk]


@pytest.mark.parametrize("motif", ["", "   "])
def test_annuler_sans_motif_refuse(antenne, motif):
    stage = creer_stage(antenne, jours=(LUNDI,))

    with pytest.raises(ValidationError, match="Indiquez le motif"):
        planning.stage_annuler(stage=stage, motif=motif)
    stage.refresh_from_db()
    assert stage.statut == StatutStage.PLANIFIE


def test_annuler_deux_fois_refuse(antenne):
    stage = creer_stage(antenne, jours=(LUNDI,))
    planning.stage_annuler(stage=stage, motif="Salle indisponible")

    with pytest.raises(ValidationError, match="déjà annulé|Ce stage est annulé"):
        planning.stage_annuler(stage=stage, motif="Encore")
    stage.refresh_from_db()
    assert stage.motif_annulation == "Salle indisponible"


def test_le_calendrier_met_les_stages_en_cours_puis_clos(antenne):
    aujourd_hui = date(2026, 12, 14)
    a_venir = creer_stage(antenne, jours=(date(2026, 12, 15),))
    commence = creer_stage(antenne, jours=(date(2026, 12, 14), date(2026, 12, 15)))
    fini_hier = creer_stage(antenne, jours=(date(2026, 12, 13),), statut=StatutStage.EN_COURS)
    fini = creer_stage(antenne, jours=(date(2026, 12, 6),), statut=StatutStage.EN_COURS)
    annule = creer_stage(antenne, jours=(date(2026, 12, 1),), statut=StatutStage.ANNULE)

    assert planning.stages_suivre_le_calendrier(aujourd_hui=aujourd_hui) == 2
    statuts = {s.pk: s.statut for s in Stage.objects.all()}
    assert statuts == {a_venir.pk: StatutStage.PLANIFIE, commence.pk: StatutStage.EN_COURS,
                       fini_hier.pk: StatutStage.EN_COURS, fini.pk: StatutStage.CLOS,
                       annule.pk: StatutStage.ANNULE}
    assert fini.history.first().history_change_reason.startswith("Stage clos")
    assert planning.stages_suivre_le_calendrier(aujourd_hui=aujourd_hui) == 0

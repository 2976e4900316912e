"""Responses on a convocation (confirmed, report, cancelled) and the entretien préalable."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from convocations.models import Convocation, ModeEntretien, StatutConvocation
from convocations.services.entretiens import entretien_enregistrer
from convocations.services.proposition import Choix, convocations_creer, proposer_convocations
from convocations.services.reponses import (
    convocation_annuler,
    convocation_confirmer,
    convocation_fermee,
    convocation_reporter,
)
from stages.models import Orientation, Statut
from stages.selectors import avec_rang
from tests.convocations.conftest import AUJOURD_HUI
from tests.factories import creer_orientation, creer_stage


def _convoquer(antenne, stage, **champs) -> Convocation:
    orientation = creer_orientation(antenne, **champs)
    creees, _ = convocations_creer(stage=stage, choix=[Choix(orientation.pk)], aujourd_hui=AUJOURD_HUI)
    return creees[0]


def _rang(orientation) -> int:
    return avec_rang(Orientation.objects.filter(pk=orientation.pk)).get().rang


def test_confirmer_une_fois(antenne, stage):
    convocation = _convoquer(antenne, stage)
    assert convocation_confirmer(convocation=convocation).statut == StatutConvocation.CONFIRMEE
    with pytest.raises(ValidationError, match="déjà « confirmée »"):
        convocation_confirmer(convocation=convocation)


def test_report_remet_a_son_rang_compte_le_report_et_libere_la_place(antenne, stage):
    premiere = creer_orientation(antenne, date_orientation=date(2026, 9, 1))
    convocations_creer(stage=stage, choix=[Choix(premiere.pk)], aujourd_hui=AUJOURD_HUI)
    creer_orientation(antenne, date_orientation=date(2026, 9, 5))
    assert proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI).places_libres == 2
    convocation = Convocation.objects.get()

    with pytest.raises(ValidationError):
        convocation_reporter(convocation=convocation, motif="  ")
    convocation = convocation_reporter(convocation=convocation, motif="Hospitalisation")

    premiere.refresh_from_db()
    assert convocation.statut == StatutConvocation.REPORTEE and convocation.motif == "Hospitalisation"
    assert premiere.statut == Statut.EN_ATTENTE and premiere.nb_reports == 1 and _rang(premiere) == 1
    assert not convocation.accord_a_demander  # no later stage planned: nothing to say yet
    proposition = proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI)
    assert proposition.places_libres == 3 and proposition.proposees[0].orientation.pk == premiere.pk
    assert "Report de la convocation" in premiere.history.first().history_change_reason


def test_report_signale_accord_a_demander_si_l_echeance_passe_avant_le_stage_suivant(antenne, stage):
    creer_stage(antenne, jours=(date(2027, 2, 15), date(2027, 2, 16)))
    presse = _convoquer(antenne, stage, echeance=date(2027, 2, 1))
    large = _convoquer(antenne, stage, echeance=date(2027, 3, 1))

    assert convocation_reporter(convocation=presse, motif="Travail").accord_a_demander
    assert not convocation_reporter(convocation=large, motif="Travail").accord_a_demander
    presse.refresh_from_db()
    assert "accord à demander" in presse.history.first().history_change_reason


def test_annuler_ne_compte_pas_de_report(antenne, stage):
    convocation = convocation_annuler(convocation=_convoquer(antenne, stage), motif="Erreur de saisie")
    orientation = Orientation.objects.get()
    assert convocation.statut == StatutConvocation.ANNULEE
    assert orientation.statut == Statut.EN_ATTENTE and orientation.nb_reports == 0
    with pytest.raises(ValidationError, match="déjà « annulée »"):
        convocation_reporter(convocation=convocation, motif="x")


def test_fermer_envoie_le_signal_apres_le_commit(antenne, stage, django_capture_on_commit_callbacks):
    recues = []

    def recevoir(sender, convocation, **kwargs):
        recues.append(convocation.pk)

    convocation_fermee.connect(recevoir)
    try:
        convocation = _convoquer(antenne, stage)
        with django_capture_on_commit_callbacks(execute=False) as rappels:
            convocation_reporter(convocation=convocation, motif="Travail")
        assert recues == []  # not before the commit
        for rappel in rappels:
            rappel()
        assert recues == [convocation.pk]
        with django_capture_on_commit_callbacks(execute=True):
            convocation_confirmer(convocation=_convoquer(antenne, stage))
        assert recues == [convocation.pk]  # a confirmation closes nothing
    finally:
        convocation_fermee.disconnect(recevoir)


def test_entretien_enregistre_et_refuse_sur_une_convocation_fermee(antenne, stage, secretariat):
    convocation = _convoquer(antenne, stage)
    entretien = entretien_enregistrer(convocation=convocation, date_entretien=date(2026, 11, 19),
                                      mode=ModeEntretien.TELEPHONE, joint=False, note="Messagerie",
                                      par=secretariat)
    assert entretien.fait_par == secretariat and entretien.history.count() == 1
    convocation_annuler(convocation=convocation, motif="Erreur")
    with pytest.raises(ValidationError, match="n'a plus lieu d'être"):
        entretien_enregistrer(convocation=convocation, date_entretien=date(2026, 11, 19),
                              mode=ModeEntretien.PRESENTIEL, joint=True)


@pytest.mark.parametrize(("echeance", "accord"), [(date(2027, 2, 1), True), (date(2027, 3, 1), False)])
def test_la_fiche_de_l_orientation_montre_ses_convocations_et_l_accord_a_demander(
    client_secretariat, antenne, stage, echeance, accord,
):
    creer_stage(antenne, jours=(date(2027, 2, 15), date(2027, 2, 16)))
    convocation = convocation_reporter(
        convocation=_convoquer(antenne, stage, echeance=echeance), motif="Travail")

    contenu = client_secretariat.get(
        reverse("stages:orientation", args=[convocation.orientation_id])).content.decode()

    assert f"{convocation.stage}</a> — reportée (Travail)" in contenu
    assert ("Accord à demander" in contenu) is accord


def test_annuler_le_stage_annule_ses_convocations_ouvertes(
    antenne, stage, django_capture_on_commit_callbacks,
):
    from stages.planning import stage_annuler

    ouverte = _convoquer(antenne, stage)
    reportee = convocation_reporter(convocation=_convoquer(antenne, stage), motif="Travail")

    with django_capture_on_commit_callbacks(execute=True):
        stage_annuler(stage=stage, motif="Salle indisponible")

    ouverte.refresh_from_db()
    reportee.refresh_from_db()
    assert (ouverte.statut, ouverte.motif) == (StatutConvocation.ANNULEE, "Stage annulé : Salle indisponible")
    assert reportee.statut == StatutConvocation.REPORTEE  # closed already: left as it was
    assert Orientation.objects.get(pk=ouverte.orientation_id).statut == Statut.EN_ATTENTE

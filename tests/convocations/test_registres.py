"""What the app adds to the pages of `stages` through the registries of `commun`."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from commun.encarts import annoter, encarts
from convocations.models import ModeEntretien, StatutConvocation
from convocations.selectors import evenements_des_convocations
from convocations.services.entretiens import entretien_enregistrer
from convocations.services.proposition import Choix, convocations_creer
from convocations.services.reponses import convocation_confirmer, convocation_reporter
from stages.access import acces_de
from stages.historique import chronologie
from stages.models import Role, Stage
from tests.convocations.conftest import AUJOURD_HUI
from tests.factories import creer_convocation, creer_orientation, creer_stage, creer_utilisateur


def test_la_liste_des_stages_compte_convoques_et_confirmes(antenne, stage, django_assert_num_queries):
    autre = creer_stage(antenne, jours=(date(2027, 1, 11),))
    creer_convocation(creer_orientation(antenne), stage)
    creer_convocation(creer_orientation(antenne), stage, statut=StatutConvocation.CONFIRMEE)
    creer_convocation(creer_orientation(antenne), stage, statut=StatutConvocation.REPORTEE)
    with django_assert_num_queries(1):
        comptes = {s.pk: (s.nb_convoques, s.nb_confirmes) for s in annoter("stages", Stage.objects.all())}
    assert comptes == {stage.pk: (2, 1), autre.pk: (0, 0)}


def _requete(user):
    requete = RequestFactory().get("/")
    requete.user, requete.session = user, {}
    requete.acces = acces_de(requete)
    return requete


def test_l_encart_du_stage_montre_les_actions_au_secretariat_seulement(antenne, stage, secretariat):
    convocation = creer_convocation(creer_orientation(antenne), stage)
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne)
    rendus = {}
    for nom, user in (("secretariat", secretariat), ("animateur", animateur)):
        requete = _requete(user)
        [(gabarit, contexte)] = [e for e in encarts("stage", requete, stage)
                                 if e[0].endswith("encart_stage.html")]
        rendus[nom] = render_to_string(gabarit, contexte, request=requete)
    assert f"/convocations/{convocation.pk}/reporter/" in rendus["secretariat"]
    assert "Proposer des convocations" in rendus["secretariat"]
    assert str(convocation.orientation.personne) in rendus["animateur"]
    assert "/reporter/" not in rendus["animateur"] and "Proposer" not in rendus["animateur"]


def test_la_chronologie_de_l_orientation_montre_ses_convocations(antenne, stage, secretariat):
    creer_stage(antenne, jours=(date(2027, 3, 1),))
    orientation = creer_orientation(antenne, echeance=date(2027, 2, 1))
    [convocation], _ = convocations_creer(stage=stage, choix=[Choix(orientation.pk)], aujourd_hui=AUJOURD_HUI)
    entretien_enregistrer(convocation=convocation, date_entretien=AUJOURD_HUI, mode=ModeEntretien.TELEPHONE,
                          joint=True, note="Viendra")
    convocation_confirmer(convocation=convocation)
    convocation_reporter(convocation=convocation, motif="Hospitalisation")

    evenements = [e for e in chronologie(orientation) if e.sujet != "Orientation"]

    sujets = [e.sujet for e in evenements]
    assert sujets.count("Convocation au stage du 14/12/2026") == 3 and "Entretien préalable" in sujets
    report = next(e for e in evenements if e.motif.startswith("Report"))
    assert "accord à demander" in report.motif
    assert {(c.champ, c.avant, c.apres) for c in report.changements} >= {
        ("Statut", "Confirmée", "Reportée"), ("Accord à demander", "non", "oui"),
        ("Motif", "—", "Hospitalisation")}
    entretien = next(e for e in evenements if e.sujet == "Entretien préalable")
    assert "personne jointe — Viendra" in entretien.motif


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_chronologie_lit_les_convocations_en_une_requete(antenne, django_assert_num_queries, nombre):
    orientation = creer_orientation(antenne)
    for jour in range(nombre):
        convocation = creer_convocation(orientation, creer_stage(antenne, jours=(date(2026, 10, 1 + jour),)))
        entretien_enregistrer(convocation=convocation, date_entretien=AUJOURD_HUI,
                              mode=ModeEntretien.PRESENTIEL, joint=False)
        convocation_reporter(convocation=convocation, motif="Travail")
    with django_assert_num_queries(1):
        evenements = evenements_des_convocations(orientation)
    assert len(evenements) == 3 * nombre

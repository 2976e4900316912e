"""The places of a stage never go below the people already convoked (one count,
`convocations.selectors.places_prises`, asked by `stages.planning.stage_modifier`)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from convocations.models import StatutConvocation
from stages import planning
from tests.factories import creer_convocation, creer_orientation, dans_l_antenne


@pytest.fixture
def trois_convoques(antenne, stage):
    """Stage of 2 places + 1 of over-booking, full; a fourth convocation cancelled."""
    for _ in range(3):
        creer_convocation(creer_orientation(antenne), stage)
    creer_convocation(creer_orientation(antenne), stage, statut=StatutConvocation.ANNULEE)


def test_capacite_sous_les_convoques_refusee_a_cote_du_champ(client_secretariat, antenne, stage,
                                                             trois_convoques):
    reponse = client_secretariat.post(reverse("stages:stage_modifier", args=[stage.pk]), {
        "lieu": "Salle du conseil", "type_stage": "mixte", "places": "1", "surreservation": "1",
        **dans_l_antenne(antenne)})

    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "3 personnes sont déjà convoquées" in contenu and "aujourd&#x27;hui 2" in contenu
    stage.refresh_from_db()
    assert (stage.places, stage.surreservation, stage.lieu) == (2, 1, "Maison des associations")


def test_capacite_egale_aux_convoques_acceptee(stage, trois_convoques):
    planning.stage_modifier(stage=stage, champs={"places": 3, "surreservation": 0})

    stage.refresh_from_db()
    assert stage.capacite == 3


def test_les_convocations_fermees_ne_prennent_pas_de_place(stage, trois_convoques):
    with pytest.raises(ValidationError) as refus:
        planning.stage_modifier(stage=stage, champs={"places": 2, "surreservation": 0})
    assert "3 personnes" in refus.value.message_dict["places"][0]

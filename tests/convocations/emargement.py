"""What the tests of the tablet share: a stage of two past séances run by an animateur, its
convoked people, and the tablet's requests (a mark, a synchronisation, a signature's strokes)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from stages.models import Membre, Role
from tests.factories import (
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_stage,
    creer_utilisateur,
    dans_l_antenne,
)

HX = {"HX-Request": "true"}
# A stroke a finger could draw: enough points, inside the pad.
TRAITS = [[[40, 150], [80, 60], [120, 140], [160, 50], [200, 150], [260, 90]], [[300, 100], [420, 100]]]


@pytest.fixture
def animateur(antenne):
    return creer_utilisateur(Role.ANIMATEUR, antenne, username="alain", first_name="Alain",
                             last_name="Animateur")


@pytest.fixture
def stage_passe(antenne, animateur):
    """Two séances, the day before yesterday and yesterday (both started), run by `animateur`."""
    jour = timezone.localdate()
    stage = creer_stage(antenne, jours=(jour - timedelta(days=2), jour - timedelta(days=1)))
    stage.animateurs.add(Membre.objects.get(user=animateur))
    return stage


@pytest.fixture
def seance(stage_passe):
    return stage_passe.seances.first()


def convoquer(antenne, stage, nombre=1, **personne):
    return [creer_convocation(creer_orientation(antenne, personne=creer_personne(antenne, **personne)), stage)
            for _ in range(nombre)]


@pytest.fixture
def convocation(antenne, stage_passe):
    return convoquer(antenne, stage_passe, nom="Durand", prenom="Éloïse")[0]


def marquer(client, seance, convocation, statut="present", entetes=None, **champs):
    donnees = {"convocation": convocation.pk, "statut": statut, **dans_l_antenne(seance.stage.antenne),
               **champs}
    return client.post(reverse("convocations:marquer", args=[seance.pk]), donnees, headers=entetes or {})


def action(convocation, nature="marque", *, faite_le=None, cle=None, **champs) -> dict:
    """One action as the tablet keeps it: a fresh key, made `faite_le` (now by default)."""
    return {"cle": cle or str(uuid.uuid4()), "nature": nature, "convocation": convocation.pk,
            "faite_le": (faite_le or timezone.now()).isoformat(), **champs}


def signature(convocation, traits=TRAITS, **champs) -> dict:
    return action(convocation, "signature", signature=json.dumps(traits), **champs)


def synchroniser(client, seance, actions, antenne=None):
    """POST what the tablet kept; the JSON answer's results (or the response itself if not 200)."""
    reponse = client.post(reverse("convocations:synchroniser", args=[seance.pk]), {
        **dans_l_antenne(antenne or seance.stage.antenne), "actions": json.dumps(actions)})
    return reponse.json()["resultats"] if reponse.status_code == 200 else reponse

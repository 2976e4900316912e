from datetime import time

import pytest
from django.utils import timezone

from stages.models import Membre, Role, Seance
from tests.factories import creer_stage, creer_utilisateur

MOT_DE_PASSE = "mot-de-passe-long-1"


@pytest.fixture
def animateur(antenne):
    return creer_utilisateur(Role.ANIMATEUR, antenne, username="alain")


@pytest.fixture
def stage_du_jour(antenne, animateur):
    """A stage of the antenne with a séance today, run by `animateur`."""
    aujourd_hui = timezone.localdate()
    stage = creer_stage(antenne, jours=(), lieu="Salle Arago")
    Seance.objects.create(stage=stage, date=aujourd_hui, debut=time(0, 0), fin=time(23, 59))
    stage.animateurs.add(Membre.objects.get(user=animateur))
    return stage

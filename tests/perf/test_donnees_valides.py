"""The benchmark's rows are rows the application itself would accept: every personne and
orientation the generator writes passes the model's validation (full_clean)."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from convocations.models import Convocation
from stages.models import Orientation, Personne, Seance, Stage
from tests.perf import donnees


def _refus(objets) -> Counter:
    """(model, field, message) -> how many rows full_clean refuses for it."""
    refus = Counter()
    for objet in objets:
        try:
            objet.full_clean()
        except ValidationError as erreur:
            for champ, messages in erreur.message_dict.items():
                for message in messages:
                    refus[(type(objet).__name__, champ, message[:60])] += 1
    return refus


@pytest.mark.django_db
def test_chaque_ligne_generee_passe_la_validation_du_modele():
    donnees.generer(nb_antennes=2, nb_orientations=2000, aujourd_hui=timezone.localdate(),
                    nb_stages=40)

    personnes = Personne.objects.select_related("antenne")
    orientations = Orientation.objects.select_related("antenne", "prescripteur", "personne")
    assert (personnes.count(), orientations.count()) == (2000, 2000)
    assert _refus([*personnes, *orientations]) == Counter()
    # The large marked stage is beyond the form's limits on purpose (200 convocations).
    stages = Stage.objects.exclude(lieu=donnees.LIEU_GRAND_STAGE).select_related("antenne")
    convocations = Convocation.objects.select_related("orientation", "stage")
    assert (stages.count(), convocations.count() > 200) == (39, True)
    assert _refus([*stages, *Seance.objects.select_related("stage"), *convocations]) == Counter()

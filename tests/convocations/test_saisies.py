"""Bad input on the convocation forms: never a 500, never over the capacity, nothing half saved."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convocations.models import STATUTS_OUVERTS, Convocation
from stages.models import Orientation, Statut
from tests.factories import creer_convocation, creer_orientation, dans_l_antenne

TEXTE = st.text(max_size=400)
IDS = st.lists(st.one_of(st.integers(-5, 10**20).map(str), TEXTE), max_size=6)


@pytest.fixture
def orientations(antenne):
    return [creer_orientation(antenne) for _ in range(5)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choisies=IDS, motifs=st.lists(TEXTE, min_size=5, max_size=5), cle=TEXTE, pris=st.booleans())
def test_proposition_saisie_aleatoire(client_secretariat, stage, orientations, choisies, motifs, cle, pris):
    if pris:  # some of the real ids, the rest random
        choisies = [str(o.pk) for o in orientations[:3]] + choisies
    donnees = {"cle": cle, "choisies": choisies} | dans_l_antenne(stage.antenne)
    donnees |= {f"motif_{o.pk}": m for o, m in zip(orientations, motifs, strict=True)}

    reponse = client_secretariat.post(reverse("convocations:proposition", args=[stage.pk]), donnees)

    assert reponse.status_code in (200, 302)
    ouvertes = Convocation.objects.filter(stage=stage, statut__in=STATUTS_OUVERTS).count()
    assert ouvertes <= stage.capacite
    assert Orientation.objects.filter(statut=Statut.CONVOQUEE).count() == ouvertes


@pytest.mark.parametrize("cle", ["\x00", "x" * 81])
def test_proposition_jeton_mal_forme_refuse_sans_rien_creer(client_secretariat, stage, orientations, cle):
    """The token is checked by the form before any lookup (PostgreSQL refused a NUL byte in
    the lookup with a 500)."""
    donnees = {"cle": cle, "choisies": [orientations[0].pk]} | dans_l_antenne(stage.antenne)

    reponse = client_secretariat.post(reverse("convocations:proposition", args=[stage.pk]), donnees)

    assert reponse.status_code == 200
    assert not Convocation.objects.filter(stage=stage).exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.sampled_from(["confirmer", "reporter", "annuler", "entretien"]),
       saisie=st.dictionaries(st.sampled_from(["motif", "date", "mode", "joint", "note"]), TEXTE))
def test_reponses_saisie_aleatoire(client_secretariat, antenne, stage, action, saisie):
    convocation = creer_convocation(creer_orientation(antenne), stage)
    reponse = client_secretariat.post(reverse(f"convocations:{action}", args=[convocation.pk]),
                                      saisie | dans_l_antenne(antenne))
    assert reponse.status_code in (200, 302)
    convocation.refresh_from_db()
    orientation = convocation.orientation
    assert (orientation.statut == Statut.CONVOQUEE) == convocation.est_ouverte
    convocation.statut = "annulee"  # free the place for the next example
    convocation.save()
    Orientation.objects.filter(pk=orientation.pk).update(statut=Statut.ANNULEE)

"""commun.idempotence.creer_une_fois: the branches a race takes (the race itself runs on
PostgreSQL in tests/stages/test_concurrence.py and tests/commun/test_envois.py)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from commun.idempotence import creer_une_fois


def _modele(*lectures):
    """A model whose rows with the key are, at each lookup, the next of `lectures`: what
    the loser of a race sees (nothing, then the winner's row once it committed)."""
    suite = iter(lectures)
    lignes = SimpleNamespace(filter=lambda **cle: SimpleNamespace(first=lambda: next(suite)))
    return SimpleNamespace(_default_manager=lignes)


@pytest.mark.django_db
@pytest.mark.parametrize("erreur", [IntegrityError("clé prise"), ValidationError("clé déjà prise")])
def test_la_perdante_d_une_course_rend_la_ligne_gagnante(erreur):
    gagnante = object()

    def creer():
        raise erreur

    assert creer_une_fois(_modele(None, gagnante), cle={"cle": "k"}, creer=creer) == (gagnante, False)


@pytest.mark.django_db
def test_un_autre_echec_est_leve():
    def creer():
        raise ValidationError("date invalide")

    with pytest.raises(ValidationError, match="date invalide"):
        creer_une_fois(_modele(None, None), cle={"cle": "k"}, creer=creer)


@pytest.mark.django_db
def test_deja_la_ou_creee():
    deja = object()
    assert creer_une_fois(_modele(deja), cle={"cle": "k"}, creer=object) == (deja, False)
    nouvelle = object()
    assert creer_une_fois(_modele(None), cle={"cle": "k"}, creer=lambda: nouvelle) == (nouvelle, True)

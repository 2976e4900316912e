"""Receipts issued at the same instant (PostgreSQL only: SQLite serialises every writer).
Without the row lock on the antenne's counter both read the same last number: two receipts
would carry it (the unique constraint then refuses one payment). With it, the numbers follow
each other, without gap or duplicate."""

import contextlib
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from paiements import services
from paiements.models import CompteurRecus, Paiement, Recu
from paiements.services import paiement_enregistrer
from tests.concurrence import en_meme_temps
from tests.factories import creer_orientation

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL seulement"
)


def _enregistrer_en_meme_temps(antenne, monkeypatch, fois: int = 4):
    """`fois` payments of as many orientations of one antenne at once. Each waits (a second at
    most) after reading the counter for the others to read it too: without the lock they all
    read the same number; with it, the next ones wait on the lock and the barrier gives up."""
    orientations = [creer_orientation(antenne) for _ in range(fois)]
    # The year's counter exists already (its first creation is serialised by its unique key).
    CompteurRecus.objects.create(antenne=antenne, annee=timezone.localdate().year)
    lecture = threading.Barrier(fois, timeout=1)
    enregistrer_compteur = CompteurRecus.save

    def save_apres_les_autres(compteur, *args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            lecture.wait()
        return enregistrer_compteur(compteur, *args, **kwargs)

    monkeypatch.setattr(CompteurRecus, "save", save_apres_les_autres)
    a_payer = list(orientations)

    def payer():
        orientation = a_payer.pop()  # atomic: one orientation per thread
        return paiement_enregistrer(orientation=orientation, date_paiement=date(2026, 12, 1),
                                    montant_=Decimal("50"), mode="especes", par=None)

    return en_meme_temps(payer, fois=fois)


@pytest.mark.django_db(transaction=True)
def test_recus_simultanes_numeros_contigus(antenne, monkeypatch):
    resultats, erreurs = _enregistrer_en_meme_temps(antenne, monkeypatch)

    assert erreurs == []
    assert len(resultats) == 4 == Paiement.objects.count()
    assert sorted(Recu.objects.values_list("rang", flat=True)) == [1, 2, 3, 4]
    assert CompteurRecus.objects.get(antenne=antenne).dernier == 4


@pytest.mark.django_db(transaction=True)
def test_sans_le_verrou_les_numeros_se_doublent(antenne, monkeypatch):
    """The control: the same run with the lock removed loses payments to duplicate numbers."""
    monkeypatch.setattr(services, "_compteurs", lambda: CompteurRecus.objects.all())

    resultats, erreurs = _enregistrer_en_meme_temps(antenne, monkeypatch)

    assert erreurs, "sans verrou, des numéros auraient dû se doubler"
    assert len(resultats) < 4
    assert Recu.objects.count() == Paiement.objects.count() < 4


@pytest.mark.django_db(transaction=True)
def test_deux_personnes_enregistrent_le_meme_versement_un_seul_paiement(antenne):
    """Two staff members record the whole fee at the same instant, each from their own form:
    the second finds nothing left to pay (the sum due's row is locked)."""
    orientation = creer_orientation(antenne)

    def payer():
        return paiement_enregistrer(orientation=orientation, date_paiement=date(2026, 12, 1),
                                    montant_=Decimal("200"), mode="especes", par=None,
                                    cle=f"formulaire-{threading.get_ident()}")

    resultats, erreurs = en_meme_temps(payer)

    assert len(resultats) == 1 and len(erreurs) == 1
    assert "rien ne reste à payer" in erreurs[0].messages[0]
    assert Paiement.objects.count() == 1 and Recu.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_double_clic_simultane_un_seul_paiement(antenne):
    orientation = creer_orientation(antenne)

    def payer():
        return paiement_enregistrer(orientation=orientation, date_paiement=date(2026, 12, 1),
                                    montant_=Decimal("50"), mode="especes", par=None, cle="meme-formulaire")

    resultats, erreurs = en_meme_temps(payer)

    assert erreurs == []
    assert sorted(cree for _p, cree in resultats) == [False, True]
    assert Paiement.objects.count() == 1 and Recu.objects.count() == 1

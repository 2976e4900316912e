"""The administration of the fees: the legal ceiling holds there too; payments and receipts
are read only (cancelled from their page, never changed or deleted)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from paiements.models import Tarif
from tests.factories import creer_orientation, creer_paiement

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_admin(client):
    client.force_login(get_user_model().objects.create_superuser("admin", password="mot-de-passe-long-1"))
    return client


def _tarif(antenne, standard: str, tranche: str) -> dict:
    return {"antenne": antenne.pk, "standard": standard, "instructions": "Chèque",
            "tranches-TOTAL_FORMS": "1", "tranches-INITIAL_FORMS": "0", "tranches-MIN_NUM_FORMS": "0",
            "tranches-MAX_NUM_FORMS": "1000", "tranches-0-libelle": "RSA", "tranches-0-montant": tranche,
            "tranches-0-active": "on"}


def test_l_admin_refuse_un_tarif_au_dessus_de_450(client_admin, antenne):
    adresse = reverse("admin:paiements_tarif_add")
    reponse = client_admin.post(adresse, _tarif(antenne, "451", "500"))
    assert reponse.status_code == 200
    assert reponse.content.decode().count("ne peut dépasser 450,00 €") == 2
    assert not Tarif.objects.exists()

    client_admin.post(adresse, _tarif(antenne, "220", "60"))
    assert Tarif.objects.get(antenne=antenne).tranches.get().montant == 60


def test_paiements_en_lecture_seule_dans_l_admin(client_admin, antenne):
    paiement = creer_paiement(creer_orientation(antenne), "50")
    assert client_admin.get(reverse("admin:paiements_paiement_changelist")).status_code == 200
    assert client_admin.get(reverse("admin:paiements_paiement_delete", args=[paiement.pk])).status_code == 403
    assert client_admin.get(reverse("admin:paiements_recu_add")).status_code == 403

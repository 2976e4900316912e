"""Ids on the main pages: each one once per page, and every aria-describedby names an
element that is there (the error of a field is `<auto_id>_error`, as Django writes it)."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import creer_orientation, creer_prescripteur, dans_l_antenne


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.decrits = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if attrs.get("aria-describedby"):
            self.decrits.extend(attrs["aria-describedby"].split())


def ids_de(reponse) -> _Ids:
    assert reponse.status_code == 200
    lecteur = _Ids()
    lecteur.feed(reponse.content.decode())
    return lecteur


def doublons(reponse) -> list[str]:
    return [i for i, n in Counter(ids_de(reponse).ids).items() if n > 1]


def references_perdues(reponse) -> list[str]:
    lecteur = ids_de(reponse)
    return sorted(set(lecteur.decrits) - set(lecteur.ids))


@pytest.fixture
def orientation(antenne):
    return creer_orientation(antenne, prescripteur=creer_prescripteur(antenne))


@pytest.fixture
def pages(orientation):
    prescripteur = orientation.prescripteur
    return {
        "liste": reverse("stages:liste_attente"),
        "orientation": reverse("stages:orientation", args=[orientation.pk]),
        "nouvelle orientation": reverse("stages:orientation_nouvelle"),
        "modifier l'orientation": reverse("stages:orientation_modifier", args=[orientation.pk]),
        "import": reverse("stages:import_orientations"),
        "prescripteurs": reverse("stages:prescripteurs"),
        "prescripteur": reverse("stages:prescripteur", args=[prescripteur.pk]),
        "ajouter un prescripteur": reverse("stages:prescripteur_ajouter"),
        "fusionner": reverse("stages:prescripteur_fusionner", args=[prescripteur.pk]),
        "accueil": reverse("stages:accueil"),
    }


def test_chaque_id_une_seule_fois_sur_chaque_page(client_secretariat, pages):
    trouves = {nom: doublons(client_secretariat.get(adresse)) for nom, adresse in pages.items()}

    assert trouves == {nom: [] for nom in pages}


def test_chaque_id_une_seule_fois_avec_les_erreurs(client_secretariat, antenne, orientation):
    """Refused forms show more (errors, every action form): still no id twice."""
    envois = {
        "nouvelle orientation": (reverse("stages:orientation_nouvelle"), {}),
        "prolongation": (reverse("stages:orientation_prolonger", args=[orientation.pk]), {}),
        "sortie": (reverse("stages:orientation_sortir", args=[orientation.pk]), {}),
    }
    trouves = {
        nom: doublons(client_secretariat.post(adresse, donnees | dans_l_antenne(antenne)))
        for nom, (adresse, donnees) in envois.items()
    }

    assert trouves == {nom: [] for nom in envois}


def test_la_description_d_un_champ_en_erreur_est_son_message(client_secretariat, antenne, orientation):
    for adresse in (reverse("stages:orientation_nouvelle"),
                    reverse("stages:orientation_prolonger", args=[orientation.pk]),
                    reverse("stages:prescripteur_ajouter")):
        reponse = client_secretariat.post(adresse, dans_l_antenne(antenne))
        lecteur = ids_de(reponse)

        assert any(d.endswith("_error") for d in lecteur.decrits), adresse
        assert references_perdues(reponse) == [], adresse

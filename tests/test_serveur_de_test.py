"""The live server of the browser tests answers overlapping requests, as htmx sends them
(a search typed while the previous one runs): each of its threads has its own connection."""

from urllib.request import Request, urlopen

from django.conf import settings
from django.urls import reverse

from tests.concurrence import en_meme_temps
from tests.factories import creer_orientation


def test_requetes_simultanees_au_serveur_des_tests_navigateur(
    live_server, transactional_db, client, antenne, secretariat
):
    for _ in range(30):
        creer_orientation(antenne)
    client.force_login(secretariat)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    adresse = f"{live_server.url}{reverse('stages:liste_attente')}?statut=tous"

    def lire_la_liste():
        with urlopen(Request(adresse, headers={"Cookie": cookie}), timeout=30) as reponse:  # noqa: S310
            return reponse.status

    resultats, erreurs = en_meme_temps(lambda: [lire_la_liste() for _ in range(5)], fois=6)

    assert erreurs == []
    assert resultats == [[200] * 5] * 6

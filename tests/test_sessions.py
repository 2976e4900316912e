"""Sessions: written at most once a minute, never turning a committed change into an error;
pages of logged-in users kept out of caches."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stages.models import Orientation
from tests.factories import creer_orientation, dans_l_antenne

HTMX = {"HX-Request": "true"}


def ecritures_de_session(client, adresse: str) -> list[str]:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(adresse).status_code == 200
    return [q["sql"] for q in requetes.captured_queries
            if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def test_la_session_n_est_pas_ecrite_a_chaque_requete(client_secretariat):
    ecritures_de_session(client_secretariat, reverse("stages:accueil"))  # the first one may renew

    assert ecritures_de_session(client_secretariat, reverse("stages:accueil")) == []
    assert ecritures_de_session(client_secretariat, reverse("stages:liste_attente")) == []


@pytest.fixture
def orientation(antenne):
    return creer_orientation(antenne, urgent=False)


@pytest.mark.parametrize("erreur", [OperationalError("database is locked"),
                                    SessionInterrupted("session supprimée entre-temps")])
def test_un_echec_d_enregistrement_de_la_session_garde_la_reponse(
    client_secretariat, orientation, monkeypatch, erreur
):
    """The change is committed: the answer says so, not 'Bad Request (400)' nor a 500."""
    def echoue(self, must_create=False):
        raise erreur

    monkeypatch.setattr(SessionStore, "save", echoue)

    reponse = client_secretariat.post(
        reverse("stages:orientation_urgence", args=[orientation.pk]),
        {"urgent": "on", "motif_urgence": "Réorientation"} | dans_l_antenne(orientation.antenne),
    )

    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("stages:orientation", args=[orientation.pk])
    assert Orientation.objects.get(pk=orientation.pk).urgent


@pytest.mark.parametrize(("nom", "args", "en_tetes"), [
    ("accueil", [], {}), ("liste_attente", [], {}), ("liste_attente", [], HTMX),
    ("orientation", ["orientation"], {}), ("orientation_prolonger", ["orientation"], HTMX),
    ("export_liste_csv", [], {}),
])
def test_les_pages_des_utilisateurs_connectes_ne_sont_jamais_gardees_en_cache(
    client_secretariat, orientation, nom, args, en_tetes
):
    adresse = reverse(f"stages:{nom}", args=[orientation.pk for _ in args])

    reponse = client_secretariat.get(adresse, headers=en_tetes)

    assert reponse.status_code == 200
    assert "no-store" in reponse["Cache-Control"]


SQLITE = pytest.mark.skipif(connection.vendor != "sqlite",
                            reason="le verrou d'écriture unique est celui de SQLite")


@SQLITE
def test_une_page_s_affiche_pendant_qu_une_autre_connexion_tient_le_verrou_d_ecriture(
    transactional_db, client, antenne
):
    """A long import holds SQLite's only write lock: reading a page must not need it.
    Waiting for the lock is cut to 0.1 s here, so that a write would fail at once."""
    import sqlite3

    from tests.factories import creer_utilisateur

    client.force_login(creer_utilisateur(antenne=antenne))
    assert client.get(reverse("stages:accueil")).status_code == 200  # the session's renewal
    with connection.cursor() as curseur:
        curseur.execute("PRAGMA busy_timeout = 100")
    autre = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        autre.execute("BEGIN IMMEDIATE")
        autre.execute("UPDATE stages_antenne SET nom = nom")

        reponse = client.get(reverse("stages:accueil"))
    finally:
        autre.execute("ROLLBACK")
        autre.close()
        with connection.cursor() as curseur:
            curseur.execute(f"PRAGMA busy_timeout = {connection.settings_dict['OPTIONS']['timeout'] * 1000}")

    assert reponse.status_code == 200
    assert "Antenne de Perpignan" in reponse.content.decode()

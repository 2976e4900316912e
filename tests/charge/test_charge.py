"""The load scenario cannot rot: its Locust file imports and runs the day's mix, and the
forms it sends are the ones the application saves (posted here with Django's test client,
CSRF checked). No timing here: the figures are in docs/charge.md."""

import json
import os
import random
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stages.management.commands.charge import commande_gunicorn
from stages.models import Orientation
from tests.charge import pages
from tests.factories import creer_orientation, creer_prescripteur

# A day's staff session (issue 16): what the Locust file must make its users do.
MELANGE_DU_JOUR = {"liste", "recherche", "fiche", "modification", "nouvelle", "export"}


def _classes_locust() -> dict:
    """The Locust file imported in a process of its own (importing locust patches the
    process for gevent): each user class, its tasks and fixed count."""
    code = (
        "import json, locust\n"
        "from tests.charge import locustfile as f\n"
        "print(json.dumps({n: {'taches': sorted(getattr(t, '__name__', str(t)) for t in c.tasks),"
        " 'fixe': c.fixed_count, 'abstraite': c.abstract}"
        " for n, c in vars(f).items()"
        " if isinstance(c, type) and issubclass(c, locust.User) and c.__module__ == f.__name__}))"
    )
    sortie = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=settings.BASE_DIR, env=os.environ | {"CHARGE_IMPORT": "5000"}, timeout=60,
    )
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def test_le_fichier_locust_couvre_le_melange_du_jour_l_import_et_les_pairs():
    classes = _classes_locust()

    assert set(classes["Secretariat"]["taches"]) == MELANGE_DU_JOUR
    assert classes["Importeur"] == {"taches": ["importer"], "fixe": 1, "abstraite": False}
    assert classes["PairListe"]["fixe"] == classes["PairAdmin"]["fixe"] == 1


def test_gunicorn_est_lance_comme_le_documente_le_deploiement():
    commande = " ".join(commande_gunicorn(8765)[1:])

    assert commande.startswith("config.wsgi --bind 127.0.0.1:8765 --worker-class gthread ")
    assert " --threads " in commande and " --timeout " in commande


@pytest.fixture
def client_csrf(secretariat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    return client


def test_la_modification_envoyee_par_le_scenario_est_enregistree(client_csrf, antenne):
    orientation = creer_orientation(antenne)
    url = f"/orientations/{orientation.pk}/modifier/"

    champs = pages.champs_modification(client_csrf.get(url).content.decode(), "charge essai")
    reponse = client_csrf.post(url, champs)

    assert (reponse.status_code, reponse["Location"]) == (302, f"/orientations/{orientation.pk}/")
    orientation.refresh_from_db()
    assert orientation.observations == "charge essai"
    assert orientation.history.filter(observations="charge essai").exists()


def test_la_creation_envoyee_par_le_scenario_est_enregistree(client_csrf, antenne):
    creer_prescripteur(antenne)
    url = "/orientations/nouvelle/"

    champs = pages.champs_nouvelle(client_csrf.get(url).content.decode(), random.Random(1), "CH-1")
    reponse = client_csrf.post(url, champs)

    creee = Orientation.objects.get(reference="CH-1")
    assert (reponse.status_code, reponse["Location"]) == (302, f"/orientations/{creee.pk}/")


def test_le_fichier_d_import_du_scenario_est_confirme_depuis_la_page(client_csrf, antenne):
    prescripteur = creer_prescripteur(antenne)
    page = client_csrf.get("/orientations/import/").content.decode()
    fichier = pages.fichier_import(3, premiere=7, marque="e55a1", prescripteur=prescripteur.nom)

    apercu = client_csrf.post("/orientations/import/", pages.Formulaires(page).avec(
        "csrfmiddlewaretoken") | {"fichier": SimpleUploadedFile("f.csv", fichier, "text/csv")})
    assert pages.a_creer_au_plus(apercu.content.decode()) is None
    confirmation = pages.Formulaires(apercu.content.decode()).avec("jeton")
    reponse = client_csrf.post("/orientations/import/confirmer/", confirmation)

    assert pages.import_confirme(reponse.status_code, reponse["Location"])
    assert sorted(Orientation.objects.values_list("reference", flat=True)) == [
        "IMP-e55a1-00007", "IMP-e55a1-00008", "IMP-e55a1-00009"]
    liste = client_csrf.get(f"/orientations/?q={pages.nom_import('e55a1')}").content.decode()
    assert pages.nombre_dans_la_liste(liste) == 3
    assert len(set(pages.ids_orientations(liste))) == 3


def test_a_creer_au_plus_lit_la_limite_de_la_page():
    html = "<p>Depuis cette page, un fichier crée 1\u202f000 orientations au plus.</p>"

    assert pages.a_creer_au_plus(html) == 1000
    assert pages.a_creer_au_plus("<p>Aperçu</p>") is None

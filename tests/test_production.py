"""The production settings, loaded in a subprocess as gunicorn would load them."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import processus
from tests.processus import derniere_ligne

# An anonymous visit of the home page: a redirect that goes through every middleware
# without touching the database nor the collected static files.
EN_TETES_ACCUEIL = """
import json
from django.test import Client
reponse = Client(headers={"host": "stages.exemple.fr"}).get("/", secure=True)
print(json.dumps({"statut": reponse.status_code, **reponse.headers}))
"""


@pytest.fixture
def environnement(tmp_path):
    for dossier in ("imports", "tmp", "attestations"):
        (tmp_path / dossier).mkdir(mode=0o700)
    return processus.environnement(
        IMPORTS_DIR=str(tmp_path / "imports"),
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="stages.exemple.fr",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        EMAIL_HOST="smtp.exemple.fr",
        DEFAULT_FROM_EMAIL="stages@exemple.fr",
    )


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    return processus.manage(env, "check", "--deploy", "--fail-level", "WARNING")


def test_check_deploy_sans_avertissement(environnement):
    resultat = check_deploy(environnement)

    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_check_deploy_echoue_au_moindre_avertissement(environnement):
    resultat = check_deploy(environnement | {"SECRET_KEY": "trop-courte"})

    assert resultat.returncode != 0
    assert "security.W009" in resultat.stderr


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL",
                                      "EMAIL_HOST", "DEFAULT_FROM_EMAIL", "IMPORTS_DIR"])
def test_variable_obligatoire_manquante(environnement, variable):
    del environnement[variable]

    resultat = check_deploy(environnement)

    assert resultat.returncode != 0
    assert f"La variable d'environnement {variable} est obligatoire" in resultat.stderr


@pytest.mark.parametrize("port", ["vingt-cinq", "0", "70000"])
def test_port_smtp_invalide_refuse_en_francais(environnement, port):
    resultat = check_deploy(environnement | {"EMAIL_PORT": port})

    assert resultat.returncode != 0
    assert f"EMAIL_PORT doit être un numéro de port (1 à 65535), pas « {port} »" in resultat.stderr


LIRE_DOSSIERS = ("from django.conf import settings; "
                 "print(settings.IMPORTS_DIR, settings.FILE_UPLOAD_TEMP_DIR)")


def test_les_dossiers_des_envois_viennent_de_l_environnement(environnement, tmp_path):
    resultat = processus.manage(environnement, "shell", "-c", LIRE_DOSSIERS)
    assert derniere_ligne(resultat) == f"{tmp_path / 'imports'} {tmp_path / 'tmp'}"  # beside it

    ailleurs = environnement | {"FILE_UPLOAD_TEMP_DIR": str(tmp_path / "ailleurs")}
    resultat = processus.manage(ailleurs, "shell", "-c", LIRE_DOSSIERS)
    assert derniere_ligne(resultat) == f"{tmp_path / 'imports'} {tmp_path / 'ailleurs'}"


def test_dossier_des_imports_relatif_refuse(environnement):
    resultat = check_deploy(environnement | {"IMPORTS_DIR": "prive/imports"})

    assert resultat.returncode != 0
    assert "IMPORTS_DIR doit être un chemin absolu, pas « prive/imports »" in resultat.stderr


def test_check_deploy_signale_un_dossier_absent_ou_ouvert(environnement, tmp_path):
    (tmp_path / "tmp").rmdir()
    (tmp_path / "imports").chmod(0o750)

    resultat = check_deploy(environnement)

    assert resultat.returncode != 0
    erreurs = resultat.stderr
    assert f"stages.E001) Le dossier {tmp_path / 'tmp'} (FILE_UPLOAD_TEMP_DIR) n'existe pas" in erreurs
    assert f"stages.W002) Le dossier {tmp_path / 'imports'} (IMPORTS_DIR) est ouvert" in erreurs


def test_les_erreurs_serveur_sont_envoyees_aux_admins(environnement):
    resultat = processus.manage(environnement | {"ADMINS": "info@cpca.fr, astreinte@cpca.fr"},
                                "shell", "-c", "from django.conf import settings; print(settings.ADMINS)")

    assert resultat.returncode == 0, resultat.stderr
    assert derniere_ligne(resultat) == "['info@cpca.fr', 'astreinte@cpca.fr']"


@pytest.mark.parametrize(("url", "attendu"), [
    ("sqlite:////srv/stages/stages.sqlite3",
     {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/stages/stages.sqlite3",
      "CONN_MAX_AGE": 0, "transaction_mode": "IMMEDIATE"}),
    ("postgres://stages:secret@db.exemple.fr:5432/stages",
     {"ENGINE": "django.db.backends.postgresql", "NAME": "stages",
      "CONN_MAX_AGE": 60, "transaction_mode": None}),
])
def test_la_base_de_production_vient_de_database_url(environnement, url, attendu):
    """SQLite keeps the options that let the web server and the worker share the file."""
    resultat = processus.manage(environnement | {"DATABASE_URL": url}, "shell", "-c", (
        "import json; from django.conf import settings; b = settings.DATABASES['default']; "
        "print(json.dumps({'ENGINE': b['ENGINE'], 'NAME': b['NAME'], "
        "'CONN_MAX_AGE': b['CONN_MAX_AGE'], "
        "'transaction_mode': b['OPTIONS'].get('transaction_mode')}))"
    ))

    assert resultat.returncode == 0, resultat.stderr
    assert json.loads(derniere_ligne(resultat)) == attendu


def test_en_tetes_de_securite_en_production(environnement):
    resultat = processus.manage(environnement, "shell", "-c", EN_TETES_ACCUEIL)
    assert resultat.returncode == 0, resultat.stderr
    en_tetes = json.loads(derniere_ligne(resultat))

    assert en_tetes["statut"] == 302
    csp = en_tetes["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert en_tetes["Strict-Transport-Security"].startswith("max-age=31536000")
    assert en_tetes["X-Frame-Options"] == "DENY"
    assert en_tetes["X-Content-Type-Options"] == "nosniff"


def test_la_page_de_connexion_porte_la_meme_politique(client):
    """The CSP reaches real pages too (test settings share the base policy)."""
    csp = client.get(reverse("connexion"))["Content-Security-Policy"]

    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


POSTGRES = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture
def base_postgres():
    """A PostgreSQL database of its own, migrated, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    nom = f"prod_sante_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL injoignable sur 127.0.0.1:5432")
    with admin:
        admin.execute(f'CREATE DATABASE "{nom}"')
        try:
            yield f"{POSTGRES}/{nom}"
        finally:
            admin.execute(f'DROP DATABASE "{nom}" WITH (FORCE)')


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict, *options: str):
    """The documented web server (docs/deploiement.md) on a loopback port of its own."""
    port = port_libre()
    serveur = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         *options],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):  # up to 20 s to start
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert serveur.poll() is None, serveur.stderr.read().decode()
                time.sleep(0.1)
        yield port
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)


def visiter(port: int, chemin: str = "/", cookie: str = "sessionid=inconnue") -> int:
    """A visit as nginx passes it on (host, HTTPS); with a session cookie the session table
    is read before the anonymous visitor is sent to the login page (302)."""
    requete = urllib.request.Request(f"http://127.0.0.1:{port}{chemin}", headers={
        "Host": "stages.exemple.fr", "X-Forwarded-Proto": "https", "Cookie": cookie,
    })
    ouvreur = urllib.request.build_opener(SansRedirection)
    try:
        return ouvreur.open(requete, timeout=10).status
    except urllib.error.HTTPError as erreur:
        return erreur.code


class SansRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_apres_un_redemarrage_de_postgresql_la_requete_suivante_reussit(environnement, base_postgres):
    """CONN_MAX_AGE keeps connections: each is checked before reuse (CONN_HEALTH_CHECKS)."""
    import psycopg

    env = environnement | {"DATABASE_URL": base_postgres}
    processus.manage(env, "migrate", "--noinput", check=True)
    nom = base_postgres.rsplit("/", 1)[1]

    with gunicorn(env, "--workers", "1") as port:
        assert visiter(port) == 302
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            tuees = admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s", [nom],
            ).fetchone()[0]

        assert tuees == 1  # the web process kept its connection
        assert visiter(port) == 302


# Behind nginx every request comes from 127.0.0.1, with the client's address appended to
# X-Forwarded-For: five failures from one office lock that office only.
CONNEXIONS_DERRIERE_LE_PROXY = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
# The pages without collectstatic's manifest (not run here).
override_settings(STORAGES={"staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
call_command("migrate", verbosity=0)
get_user_model().objects.create_user("sophie", password="le-vrai-mot-de-passe-42")
def connexion(mot_de_passe, adresse):
    return Client(headers={"host": "stages.exemple.fr"}).post(
        "/connexion/", {"username": "sophie", "password": mot_de_passe}, secure=True,
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.9, {adresse}").status_code
echecs = [connexion(f"faux-{n}", "192.0.2.10") for n in range(5)]
print(json.dumps([echecs, connexion("le-vrai-mot-de-passe-42", "192.0.2.10"),
                  connexion("le-vrai-mot-de-passe-42", "192.0.2.20")]))
"""


def test_en_production_derriere_le_proxy_seul_le_poste_fautif_est_verrouille(environnement):
    resultat = processus.manage(environnement, "shell", "-c", CONNEXIONS_DERRIERE_LE_PROXY)

    assert resultat.returncode == 0, resultat.stderr
    assert json.loads(derniere_ligne(resultat)) == [[200, 200, 200, 200, 429], 429, 302]


def test_nombre_de_proxys_invalide_refuse_en_francais(environnement):
    resultat = check_deploy(environnement | {"PROXIES_DE_CONFIANCE": "deux"})

    assert resultat.returncode != 0
    assert "PROXIES_DE_CONFIANCE doit être un nombre de proxys (0 à 5), pas « deux »" in resultat.stderr


# The web server's command in docs/deploiement.md (a test below checks it is written there).
GUNICORN_DOCUMENTE = ["--worker-class", "gthread", "--workers", "3", "--threads", "16", "--timeout", "30"]


def test_la_commande_gunicorn_testee_est_celle_de_la_documentation():
    documentation = (settings.BASE_DIR / "docs" / "deploiement.md").read_text()

    assert " ".join(["gunicorn config.wsgi --bind 127.0.0.1:8000", *GUNICORN_DOCUMENTE]) in documentation


def test_dix_clients_lents_n_empechent_pas_les_autres_d_etre_servis(environnement):
    """Ten clients that start a request and never finish it (1 byte a second) each hold a
    thread of the documented server: the others are still answered. (Behind nginx, which
    buffers whole requests, gunicorn never even sees them: docs/deploiement.md.)"""
    with gunicorn(environnement, *GUNICORN_DOCUMENTE) as port:
        lents = []
        try:
            for _ in range(10):
                lent = socket.create_connection(("127.0.0.1", port), timeout=5)
                lent.sendall(b"GET / HTTP/1.1\r\nHost: stages.exemple.fr\r\nX-Lent: ")
                lents.append(lent)
            time.sleep(1)  # let each reach a thread, which now waits for the rest

            assert visiter(port, cookie="") == 302
        finally:
            for lent in lents:
                lent.close()


def page_servie(port: int) -> tuple[int, str]:
    """Status and text of a visit with a session cookie (the session table is read)."""
    requete = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={
        "Host": "stages.exemple.fr", "X-Forwarded-Proto": "https", "Cookie": "sessionid=inconnue",
    })
    try:
        with urllib.request.build_opener(SansRedirection).open(requete, timeout=10) as reponse:
            return reponse.status, reponse.read().decode()
    except urllib.error.HTTPError as erreur:
        return erreur.code, erreur.read().decode()


def test_base_coupee_page_en_francais_puis_le_site_reprend(environnement, base_postgres):
    """The database unreachable for a while (through a relay the test cuts): the site answers
    its French error page; once it is back, the next request is served."""
    from tests.coupure import Relais

    relais = Relais(("127.0.0.1", 5432))
    direct = environnement | {"DATABASE_URL": base_postgres}
    par_le_relais = environnement | {
        "DATABASE_URL": base_postgres.replace(":5432/", f":{relais.port}/")}
    processus.manage(direct, "migrate", "--noinput", check=True)
    try:
        with gunicorn(par_le_relais, "--workers", "1") as port:
            assert page_servie(port)[0] == 302
            relais.couper()

            statut, texte = page_servie(port)
            assert statut == 500
            assert "base de données est momentanément indisponible" in texte

            relais.retablir()
            assert page_servie(port)[0] == 302
    finally:
        relais.fermer()


def resultat_attendu(env: dict, identifiant: str, delai: float) -> str:
    """The result of a queued task, read by another process, waiting up to `delai` seconds."""
    lire = f"from django_q.tasks import result; print(result('{identifiant}'))"
    fin = time.monotonic() + delai
    while (resultat := derniere_ligne(processus.manage(env, "shell", "-c", lire))) == "None":
        if time.monotonic() > fin:
            return "None"
        time.sleep(0.5)
    return resultat


def mettre_en_file(env: dict, appel: str) -> str:
    return derniere_ligne(processus.manage(env, "shell", "-c", (
        f"from django_q.tasks import async_task; print(async_task({appel}))"
    ), check=True))


def test_le_worker_survit_a_une_coupure_de_la_base_et_execute_la_tache_mise_en_file(
    environnement, base_postgres, tmp_path,
):
    """The worker running (a first task done) when the database goes away for 30 s: it does
    not stop, and the task queued meanwhile (by a process that still reaches the database)
    is run once the database is back, not lost."""
    from tests.coupure import Relais

    relais = Relais(("127.0.0.1", 5432))
    direct = environnement | {"DATABASE_URL": base_postgres}
    par_le_relais = environnement | {
        "DATABASE_URL": base_postgres.replace(":5432/", f":{relais.port}/")}
    processus.manage(direct, "migrate", "--noinput", check=True)
    journal = tmp_path / "qcluster.log"
    with journal.open("w") as sortie:
        worker = subprocess.Popen(  # noqa: S603 (our own manage.py)
            processus.commande("qcluster"), cwd=settings.BASE_DIR, env=par_le_relais,
            stdout=sortie, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        # Started, not cut in the middle of its start-up (which may fail and exit).
        assert resultat_attendu(direct, mettre_en_file(direct, "'math.factorial', 5"), 120) == "120"
        relais.couper()
        identifiant = mettre_en_file(direct, "'math.factorial', 10")
        time.sleep(30)  # every poll of the queue fails meanwhile
        assert worker.poll() is None, f"le worker s'est arrêté pendant la coupure :\n{journal.read_text()}"

        relais.retablir()
        assert resultat_attendu(direct, identifiant, 90) == "3628800", journal.read_text()
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # qcluster and its workers (django-q2 #346)
        worker.wait()
        relais.fermer()

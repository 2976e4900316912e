"""The django-q2 worker that `make run` starts: a task queued in the database (ORM broker)
is really run by `manage.py qcluster`, in a process of its own, as in production."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings


def manage(env: dict, *arguments: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=True, **options,
    )


def derniere_ligne(resultat: subprocess.CompletedProcess) -> str:
    return resultat.stdout.strip().splitlines()[-1]


@pytest.fixture
def environnement(tmp_path):
    """`make run`'s settings on a database file of the test's own."""
    return {cle: valeur for cle, valeur in os.environ.items() if cle != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }


def test_le_worker_execute_une_tache_mise_en_file(environnement):
    manage(environnement, "migrate", "--noinput")
    identifiant = derniere_ligne(manage(environnement, "shell", "-c", (
        "from django_q.tasks import async_task; print(async_task('math.factorial', 10))"
    )))
    lire = ("from django_q.tasks import result; "
            f"print(result('{identifiant}'))")
    assert derniere_ligne(manage(environnement, "shell", "-c", lire)) == "None"  # not yet run

    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "qcluster"], cwd=settings.BASE_DIR, env=environnement,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        fin = time.monotonic() + 60
        while (resultat := derniere_ligne(manage(environnement, "shell", "-c", lire))) == "None":
            assert time.monotonic() < fin, "le worker n'a pas exécuté la tâche en 60 s"
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # qcluster and the workers it started (django-q2 #346)
        worker.wait()
    assert resultat == "3628800"

"""The django-q2 worker that `make run` starts: a task queued in the database (ORM broker)
is really run by `manage.py qcluster`, in a process of its own, as in production."""

import os
import signal
import subprocess
import time

import pytest
from django.conf import settings

from tests.processus import commande, derniere_ligne, environnement, manage


@pytest.fixture
def env_make_run(tmp_path):
    """`make run`'s settings on a database file of the test's own."""
    return environnement(DJANGO_SETTINGS_MODULE="config.settings.dev",
                         DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}")


def test_le_worker_execute_une_tache_mise_en_file(env_make_run):
    def shell(code: str) -> str:
        return derniere_ligne(manage(env_make_run, "shell", "-c", code, check=True))

    manage(env_make_run, "migrate", "--noinput", check=True)
    identifiant = shell("from django_q.tasks import async_task; print(async_task('math.factorial', 10))")
    lire = f"from django_q.tasks import result; print(result('{identifiant}'))"
    assert shell(lire) == "None"  # not run yet

    worker = subprocess.Popen(  # noqa: S603 (our own manage.py)
        commande("qcluster"), cwd=settings.BASE_DIR, env=env_make_run,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        fin = time.monotonic() + 60
        while (resultat := shell(lire)) == "None":
            assert time.monotonic() < fin, "le worker n'a pas exécuté la tâche en 60 s"
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # qcluster and the workers it started (django-q2 #346)
        worker.wait()
    assert resultat == "3628800"

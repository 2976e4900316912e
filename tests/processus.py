"""`manage.py` run in a process of its own, as a server or the worker runs it: for the tests
of the production settings and of the django-q2 worker."""

import os
import subprocess
import sys

from django.conf import settings

# Set by the test run itself (the test database, the browser tests' ORM switch): a real
# process has neither.
VARIABLES_DES_TESTS = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def environnement(**variables: str) -> dict[str, str]:
    """This machine's environment without the test run's own variables, plus `variables`."""
    return {cle: valeur for cle, valeur in os.environ.items()
            if cle not in VARIABLES_DES_TESTS} | variables


def commande(*arguments: str) -> list[str]:
    return [sys.executable, "manage.py", *arguments]


def manage(env: dict, *arguments: str, check: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        commande(*arguments), cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=check,
    )


def derniere_ligne(resultat: subprocess.CompletedProcess) -> str:
    """What a `shell -c "print(...)"` printed last (Django may print before it)."""
    return resultat.stdout.strip().splitlines()[-1]

"""Playwright on Debian's chromium (never `playwright install`: no browser download here)."""

import os
from pathlib import Path

import pytest

from tests.smtp import serveur_smtp  # noqa: F401 (fixture, for the tests that send)

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread: let the ORM run under it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def chromium_present() -> None:
    """A browser test without chromium FAILS: never a skip that leaves `make test` green.
    Leaving them out is said out loud: `SANS_NAVIGATEUR=1 make test` (see the Makefile)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"chromium absent ({CHROMIUM}) : installez-le avec « make paquets » "
            "(apt-get install -y chromium), ou lancez « SANS_NAVIGATEUR=1 make test » pour "
            "laisser les tests navigateur de côté.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium_present()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The browser of a French office: date pickers in jj/mm/aaaa, Paris time."""
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def demo(transactional_db):
    """The demo data, loaded through the command that `make run` uses."""
    from django.core.management import call_command

    call_command("donnees_demo")


@pytest.fixture
def connecter(page, live_server):
    """Logs a demo user in, on the test's page or on another one (a second browser)."""

    def connecter(username: str, password: str = "demo-stages-2026", onglet=None):
        onglet = onglet or page
        onglet.goto(f"{live_server.url}/connexion/")
        onglet.get_by_label("Nom d’utilisateur").fill(username)
        onglet.get_by_label("Mot de passe").fill(password)
        onglet.get_by_role("button", name="Se connecter").click()
        return onglet

    return connecter


def violations_graves(page) -> list[str]:
    """axe-core (bundled by axe-playwright-python): serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    resultats = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in resultats.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]

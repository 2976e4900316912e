"""`make test` on a fresh machine: the browser tests fail without chromium, and leaving them
out is a choice said out loud (SANS_NAVIGATEUR=1, with the count)."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from _pytest.outcomes import Failed

from tests.e2e import conftest as e2e

RACINE = Path(__file__).resolve().parent.parent


def make(*arguments: str, utilisateur: str | None = None) -> subprocess.CompletedProcess:
    commande = ["make", "-s", "-C", str(RACINE), *arguments]
    if utilisateur:
        commande = ["runuser", "-u", utilisateur, "--", *commande]
    return subprocess.run(  # noqa: S603 (our own Makefile, fixed arguments)
        commande, capture_output=True, text=True, timeout=300,
        env=os.environ | {"SANS_NAVIGATEUR": ""},
    )


def test_sans_chromium_un_test_navigateur_echoue_au_lieu_d_etre_saute(monkeypatch, tmp_path):
    monkeypatch.setattr(e2e, "CHROMIUM", tmp_path / "chromium")

    with pytest.raises(Failed, match=r"chromium absent .* make paquets .* SANS_NAVIGATEUR=1"):
        e2e.chromium_present()


def test_sans_droits_root_make_paquets_donne_la_commande_a_lancer(tmp_path):
    absent = tmp_path / "chromium"
    # As root, another account: the branch that does not install.
    resultat = make(
        "paquets", f"CHROMIUM={absent}", "PDFTOTEXT=/bin/sh",
        utilisateur="nobody" if os.getuid() == 0 else None,
    )

    assert resultat.returncode != 0
    assert "sudo apt-get install -y chromium" in resultat.stderr
    assert not absent.exists()


def test_make_test_passe_par_chromium_et_les_tests_navigateur():
    prevu = make("-n", "test").stdout

    assert "/usr/bin/chromium:chromium" in prevu
    assert "pytest -m browser" in prevu
    assert prevu.index("/usr/bin/chromium:chromium") < prevu.index('pytest -m "not browser"')


def test_sans_navigateur_le_dit_et_compte_les_tests_laisses_de_cote():
    prevu = make("-n", "test", "SANS_NAVIGATEUR=1").stdout
    assert ":chromium" not in prevu and "pytest -m browser\n" not in prevu

    resultat = make("test-browser", "SANS_NAVIGATEUR=1")

    assert resultat.returncode == 0, resultat.stderr
    compte = re.search(r"SANS_NAVIGATEUR=1 : (\d+) tests navigateur laissés de côté", resultat.stdout)
    tests_e2e = sum(
        len(re.findall(r"^def test_", fichier.read_text(), re.M))
        for fichier in (RACINE / "tests" / "e2e").glob("test_*.py")
    )
    assert compte and int(compte.group(1)) >= tests_e2e > 0

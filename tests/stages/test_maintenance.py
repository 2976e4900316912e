"""Planner statistics kept fresh: after migrations, after an import (`stages.maintenance`)."""

import pytest
from django.core.management import call_command
from django.db import connection

from stages import maintenance
from stages.imports.ecriture import import_executer
from tests.factories import creer_orientation, creer_prescripteur
from tests.stages.test_import import en_csv, ligne


def lignes_de_statistiques(table: str) -> int:
    with connection.cursor() as curseur:
        if connection.vendor == "sqlite":
            curseur.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            curseur.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        return curseur.fetchone()[0]


def test_rafraichir_statistiques_les_ecrit_pour_le_planificateur(antenne):
    for _ in range(3):
        creer_orientation(antenne)
    with connection.cursor() as curseur:
        if connection.vendor == "sqlite":
            curseur.execute("DELETE FROM sqlite_stat1")
        else:
            curseur.execute("SELECT 1")
    if connection.vendor == "sqlite":
        assert lignes_de_statistiques("stages_orientation") == 0

    maintenance.rafraichir_statistiques()

    assert lignes_de_statistiques("stages_orientation") > 0


@pytest.mark.django_db
def test_apres_les_migrations(monkeypatch):
    appels = []
    monkeypatch.setattr(maintenance, "rafraichir_statistiques", appels.append)

    call_command("migrate", verbosity=0)

    assert appels == ["default"]  # once, not once per application


def test_apres_un_import_une_fois_valide(antenne, monkeypatch, django_capture_on_commit_callbacks):
    creer_prescripteur(antenne, nom="Parquet de Perpignan")
    appels = []
    monkeypatch.setattr("stages.imports.ecriture.rafraichir_statistiques", lambda: appels.append(1))

    with django_capture_on_commit_callbacks(execute=True):
        import_executer(antenne=antenne, contenu=en_csv(ligne()), nom_fichier="liste.csv")

    assert appels == [1]

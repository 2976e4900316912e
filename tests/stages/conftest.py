import pytest

from tests.factories import creer_prescripteur

PARQUET = "Parquet de Perpignan"


@pytest.fixture
def parquet(antenne):
    """The prescripteur of most files and orientations of these tests."""
    return creer_prescripteur(antenne, nom=PARQUET)


@pytest.fixture(autouse=True)
def dossier_prive(settings, tmp_path):
    """Uploaded files wait in settings.IMPORTS_DIR: a temporary directory here, so that no
    test leaves a preview in the project's private folder."""
    settings.IMPORTS_DIR = tmp_path / "prive" / "imports"
    return settings.IMPORTS_DIR

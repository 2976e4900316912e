from datetime import date

import pytest

from tests.factories import creer_stage

AUJOURD_HUI = date(2026, 11, 20)


@pytest.fixture
def stage(antenne):
    """14-15 décembre 2026, 2 places + 1 de sur-réservation."""
    return creer_stage(antenne, places=2, surreservation=1)

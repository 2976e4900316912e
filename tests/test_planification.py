"""Every periodic job names a function that exists and takes no argument (the scheduler calls
it so): a typo in PLANIFICATIONS would otherwise fail only in the worker, every time."""

import inspect

import pytest
from django.utils.module_loading import import_string

from stages.planification import PLANIFICATIONS


@pytest.mark.parametrize("planification", PLANIFICATIONS, ids=[p.nom for p in PLANIFICATIONS])
def test_chaque_tache_planifiee_existe_et_se_lance_sans_argument(planification):
    fonction = import_string(planification.fonction)

    inspect.signature(fonction).bind()  # raises TypeError if an argument is required
    assert planification.minutes > 0

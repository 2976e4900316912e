"""Creating a row once per idempotency key: a double click, a task run twice, or two copies
running at once yield one row."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def creer_une_fois[T: models.Model](modele: type[T], *, cle: dict, creer: Callable[[], T]) -> tuple[T, bool]:
    """(row, created): the row of `modele` matching `cle` if there is one, else what
    `creer()` saves. A unique constraint on the key's fields is what makes it safe under
    concurrency: the loser of a race gets IntegrityError (PostgreSQL waits for the winner's
    commit first), or ValidationError from full_clean's unique check when the winner
    committed just before it; its savepoint is rolled back, and it returns the winner's row.
    Any other failure of `creer()` is raised, nothing of it saved."""
    lignes = modele._default_manager
    if deja := lignes.filter(**cle).first():
        return deja, False
    try:
        with transaction.atomic():
            return creer(), True
    except (IntegrityError, ValidationError):
        if gagnante := lignes.filter(**cle).first():
            return gagnante, False
        raise

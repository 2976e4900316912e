"""Keeping the database's planner statistics fresh.

SQLite never gathers statistics by itself: without them, its planner guesses, and on a
large antenne it picks the antenne + échéance index to find a person's other orientations
(138 ms) instead of the person's index (under 1 ms). PostgreSQL's autovacuum does gather
them, but only after enough rows changed: a big import is read with the old ones for a
while. `rafraichir_statistiques` is run after migrations (post_migrate), after each
import and daily (a django-q2 schedule).
"""

from django.db import DEFAULT_DB_ALIAS, connections

# Rows SQLite reads per index to estimate it (what `PRAGMA optimize` uses): an ANALYZE
# that stays short on a large database and gives the planner the proportions it needs.
LIMITE_ANALYSE_SQLITE = 1000


def rafraichir_statistiques(using: str = DEFAULT_DB_ALIAS) -> None:
    """ANALYZE the database (SQLite: with a bounded sample per index)."""
    connexion = connections[using]
    with connexion.cursor() as curseur:
        if connexion.vendor == "sqlite":
            curseur.execute(f"PRAGMA analysis_limit = {LIMITE_ANALYSE_SQLITE}")
            curseur.execute("ANALYZE")
            curseur.execute("PRAGMA optimize")
        elif connexion.vendor == "postgresql":
            curseur.execute("ANALYZE")


def apres_migrations(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: new indexes (and a new database) get their statistics at once."""
    rafraichir_statistiques(using)

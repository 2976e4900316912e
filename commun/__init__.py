"""The shared layer: document building, calendar files, the outbox, the htmx helper.

No domain rule and no app-specific wording here: callers pass their texts. `commun` imports
no app of the project; `stages` and the apps above it import `commun`.
"""

"""The section this app adds to the stage page (`commun.encarts`): links only, no query (the
page's budget is spent; the number of answers is on the results page)."""

from django.http import HttpRequest

from stages.models import Stage


def contexte_stage(request: HttpRequest, stage: Stage) -> dict:
    return {"stage": stage}

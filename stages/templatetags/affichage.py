"""Filters of every template (a builtin: see TEMPLATES in config/settings/base.py)."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from stages import dates
from stages.access import CHAMP_ANTENNE

register = template.Library()
register.filter("date_courte", dates.date_courte)
# expects_localtime: an aware datetime arrives in the current time zone, as with |date.
register.filter("date_longue", dates.date_longue, expects_localtime=True)


def compte(nombre: int, singulier: str, pluriel: str = "") -> str:
    """'1 orientation importée', '4 orientations importées' (0 is singular in French): the
    one plural of the messages written in Python; templates use |pluralize."""
    mot = singulier if nombre < 2 else pluriel or singulier + "s"
    return f"{nombre:,}".replace(",", "\u202f") + f" {mot}"


@register.simple_tag(takes_context=True)
def antenne_du_formulaire(context, form: str = "") -> str:
    """The hidden field of the antenne a staff form is opened in (see `access.meme_antenne`);
    `form`: the id of the <form> it joins when written outside of it."""
    antenne = context["request"].acces.antenne
    return format_html(
        '<input type="hidden" name="{}" value="{}"{}>', CHAMP_ANTENNE,
        antenne.pk if antenne else "", format_html(' form="{}"', form) if form else "",
    )


_CODE = re.compile(r"[0-9]+(?:-[0-9]+)+")


@register.filter
def codes_insecables(texte) -> str:
    """'Alternative aux poursuites (CPP 41-1)' never broken inside '41-1': the code kept on
    one line by CSS, its hyphen left as typed (staff copy the codes into their files)."""
    return mark_safe(_CODE.sub(  # noqa: S308 (escaped first, then only a span added)
        lambda code: f'<span class="insecable">{code[0]}</span>', escape(texte)))

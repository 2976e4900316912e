"""Filters of every template (a builtin: see TEMPLATES in config/settings/base.py)."""

from django import template
from django.utils.html import format_html

from stages import dates
from stages.access import CHAMP_ANTENNE

register = template.Library()
register.filter("date_courte", dates.date_courte)
# expects_localtime: an aware datetime arrives in the current time zone, as with |date.
register.filter("date_longue", dates.date_longue, expects_localtime=True)


@register.simple_tag(takes_context=True)
def antenne_du_formulaire(context, form: str = "") -> str:
    """The hidden field of the antenne a staff form is opened in (see `access.meme_antenne`);
    `form`: the id of the <form> it joins when written outside of it."""
    antenne = context["request"].acces.antenne
    return format_html(
        '<input type="hidden" name="{}" value="{}"{}>', CHAMP_ANTENNE,
        antenne.pk if antenne else "", format_html(' form="{}"', form) if form else "",
    )

"""Filters of every template (a builtin: see TEMPLATES in config/settings/base.py)."""

from django import template

from stages import dates

register = template.Library()
register.filter("date_courte", dates.date_courte)
# expects_localtime: an aware datetime arrives in the current time zone, as with |date.
register.filter("date_longue", dates.date_longue, expects_localtime=True)

"""`{% encart gabarit contexte %}`: one section of `commun.encarts`, rendered with its own
context (the keys its app gave) and the request, like a page of its own."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def encart(context, gabarit: str, contexte: dict) -> str:
    return render_to_string(gabarit, contexte, context.get("request"))

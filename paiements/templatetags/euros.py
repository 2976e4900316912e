from django import template

from paiements.montants import montant

register = template.Library()


@register.filter
def euros(valeur) -> str:
    """'1 200,00 €' (non-breaking spaces); empty for None."""
    return "" if valeur is None else montant(valeur)

"""Amounts of money: the legal ceiling of a fee, their validation and their French writing,
in figures ("1 200,00 €") and in words ("deux cents euros et cinquante centimes")."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from num2words import num2words

NBSP = "\u00a0"
# C. pén. 131-5-1: the stage's cost "ne peut excéder celui des amendes contraventionnelles de la
# 3e classe", 450 €.
PLAFOND_LEGAL = Decimal("450.00")
MESSAGE_PLAFOND = (
    "Le coût d'un stage ne peut dépasser 450,00 € (amende contraventionnelle de la 3e classe, "
    "article 131-5-1 du code pénal)."
)


def verifier_plafond(valeur: Decimal | None) -> None:
    """The validator of every fee field (model, forms, admin, import): 0 to 450 €."""
    if valeur is None:
        return
    if valeur < 0:
        raise ValidationError("Un tarif ne peut pas être négatif.", code="negatif")
    if valeur > PLAFOND_LEGAL:
        raise ValidationError(MESSAGE_PLAFOND, code="plafond")


def verifier_montant_positif(valeur: Decimal | None) -> None:
    """A payment: more than zero, at most 2 decimals, at most the legal ceiling."""
    if valeur is None:
        return
    if valeur <= 0:
        raise ValidationError("Le montant doit être supérieur à zéro.", code="non_positif")
    if valeur.as_tuple().exponent < -2 and valeur != valeur.quantize(Decimal("0.01")):
        raise ValidationError("Le montant a au plus deux décimales (les centimes).", code="decimales")
    if valeur > PLAFOND_LEGAL:
        raise ValidationError(MESSAGE_PLAFOND, code="plafond")


def montant(valeur: Decimal | int) -> str:
    """'1 200,00 €' with non-breaking spaces (thousands and before €)."""
    entier, _, decimales = f"{Decimal(valeur):,.2f}".partition(".")
    return f"{entier.replace(',', NBSP)},{decimales}{NBSP}€"


def montant_en_lettres(valeur: Decimal | int) -> str:
    """'deux cents euros', 'soixante-quinze euros et cinquante centimes', 'un euro et un
    centime', 'cinquante centimes' (num2words, French)."""
    centimes_total = int((Decimal(valeur) * 100).quantize(Decimal(1)))
    euros, centimes = divmod(abs(centimes_total), 100)
    parties = []
    if euros or not centimes:
        parties.append(f"{num2words(euros, lang='fr')} euro{'s' if euros > 1 else ''}")
    if centimes:
        parties.append(f"{num2words(centimes, lang='fr')} centime{'s' if centimes > 1 else ''}")
    texte = " et ".join(parties)
    return f"moins {texte}" if centimes_total < 0 else texte

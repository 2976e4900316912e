"""Date arithmetic of the field (deadlines counted in months) and the dates staff read."""

import calendar
import re
from datetime import date, datetime

from django.core.exceptions import ValidationError

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def ajouter_mois(depart: date, mois: int) -> date:
    """Same day `mois` months later, or the month's last day (31 août + 6 mois = 28/29 février)."""
    index = depart.month - 1 + mois
    annee, mois_cible = depart.year + index // 12, index % 12 + 1
    jour = min(depart.day, calendar.monthrange(annee, mois_cible)[1])
    return date(annee, mois_cible, jour)


def date_courte(valeur: date | None) -> str:
    """03/03/2026 (every table, the timeline, messages). strftime rather than Django's
    |date:"d/m/Y", whose locale lookups cost 3 ms on a 50-line page of the waiting list."""
    return valeur.strftime("%d/%m/%Y") if valeur else ""


def date_longue(valeur: date | datetime | None) -> str:
    """'mardi 1er décembre 2026': the ordinal 1er of French typography, which Django's
    |date:"l j F Y" does not write. A datetime must already be local time."""
    if not valeur:
        return ""
    jour = "1er" if valeur.day == 1 else str(valeur.day)
    return f"{JOURS[valeur.weekday()]} {jour} {MOIS[valeur.month - 1]} {valeur.year}"


# Plausible dates: a typo such as 9999 never reaches the deadline arithmetic (months are
# added to dates). The model's date fields, the forms and the import read these.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)


def _annee_improbable(annee: str) -> ValidationError:
    return ValidationError(
        f"Année {annee} : vérifiez l'année (entre {DATE_MIN.year} et {DATE_MAX.year}).",
        code="date_improbable",
    )


def date_plausible(valeur: date) -> None:
    if not DATE_MIN <= valeur <= DATE_MAX:
        raise _annee_improbable(f"{valeur.year:04d}")


# What staff type: 03/03/2026 (or with . - or spaces), and the ISO 2026-03-03 that browsers
# and the hidden "value seen" fields send.
_JJ_MM_AAAA = re.compile(r"([0-9]{1,2})\s*[/.\- ]\s*([0-9]{1,2})\s*[/.\- ]\s*([0-9]{1,6})")
_AAAA_MM_JJ = re.compile(r"([0-9]{3,6})-([0-9]{1,2})-([0-9]{1,2})")


def jour_mois_annee(texte: str, jj_mm_aaaa: re.Pattern, aaaa_mm_jj: re.Pattern) -> tuple[str, ...] | None:
    """The day, month and year as written, day first or ISO (each reader has its own
    patterns: a form is more lenient than an import), None when neither matches."""
    if trouve := jj_mm_aaaa.fullmatch(texte):
        return trouve.groups()
    if trouve := aaaa_mm_jj.fullmatch(texte):
        return trouve.groups()[::-1]
    return None


def lire_date_saisie(valeur) -> date | None:
    """A date typed in a form, with ONE message that names what is wrong: « Le 31 février
    n'existe pas. », « Année 0202 : vérifiez l'année (entre 1900 et 2100). »."""
    if isinstance(valeur, datetime):
        return valeur.date()
    if isinstance(valeur, date):
        return valeur
    texte = str(valeur or "").strip()
    if not texte:
        return None
    if (parties := jour_mois_annee(texte, _JJ_MM_AAAA, _AAAA_MM_JJ)) is None:
        raise ValidationError(
            f"Date illisible : « {texte} ». Écrivez-la jj/mm/aaaa, par exemple 03/03/2026.",
            code="invalid",
        )
    jour, mois, annee = parties
    if len(annee) != 4 or not DATE_MIN.year <= int(annee) <= DATE_MAX.year:
        raise _annee_improbable(annee)
    if not 1 <= int(mois) <= 12:
        raise ValidationError(f"Le mois {mois} n'existe pas (de 01 à 12).", code="invalid")
    if not 1 <= int(jour) <= calendar.monthrange(int(annee), int(mois))[1]:
        nom = f"{int(jour)} {MOIS[int(mois) - 1]}"
        if (int(jour), int(mois)) == (29, 2):
            raise ValidationError(
                f"Le {nom} {annee} n'existe pas ({annee} n'est pas bissextile).", code="invalid"
            )
        raise ValidationError(f"Le {nom} n'existe pas.", code="invalid")
    return date(int(annee), int(mois), int(jour))


def annee_sur_deux_chiffres(aa: int, mois: int, jour: int, *, aujourd_hui: date,
                            age_minimum: int | None = None) -> date:
    """The date of a year written with two digits ('05/10/91', as LibreOffice saves a CSV).
    A birth date (`age_minimum` given): the latest century that makes the person at least
    that old; any other date: the century, within DATE_MIN–DATE_MAX, closest to today.
    Raises ValueError for a day that exists in no century."""
    siecles = [date(siecle + aa, mois, jour) for siecle in (1900, 2000, 2100)
               if siecle + aa <= DATE_MAX.year and _existe(siecle + aa, mois, jour)]
    if not siecles:
        raise ValueError
    if age_minimum is not None:
        assez_vieux = [d for d in siecles if ajouter_mois(d, 12 * age_minimum) <= aujourd_hui]
        return max(assez_vieux) if assez_vieux else min(siecles)
    return min(siecles, key=lambda d: abs(d - aujourd_hui))


def _existe(annee: int, mois: int, jour: int) -> bool:
    try:
        date(annee, mois, jour)
    except ValueError:
        return False
    return True

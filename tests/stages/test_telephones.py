"""Phone numbers: every country's, typed any way, stored E.164 and written back so that
reading them again gives the same number (`stages.telephones`)."""

import importlib
import random

import phonenumbers
import pytest
from django.apps import apps
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from stages import telephones
from stages.telephones import REGIONS_FRANCAISES, NumeroInvalide, en_e164, numero_ecrit
from tests.factories import creer_personne


def exemples() -> list[tuple[str, str]]:
    """(region, E.164) of phonenumbers' example landline and mobile of each region."""
    trouves = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for type_ in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            if numero := phonenumbers.example_number_for_type(region, type_):
                trouves.append((region, phonenumbers.format_number(numero, PhoneNumberFormat.E164)))
    return trouves


def saisie_habituelle(region: str, e164: str) -> str:
    """As staff would type it: national form in France and its overseas territories (with
    the library's own separators, New Caledonia's dots included), international elsewhere."""
    numero = phonenumbers.parse(e164)
    format_ = PhoneNumberFormat.NATIONAL if region in REGIONS_FRANCAISES else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(numero, format_)


# The national forms that no rule can tell apart: Wallis-et-Futuna's numbers are also valid in
# New Caledonia; refused, to be typed with the country code.
AMBIGUS = {"WF"}


def test_tous_les_exemples_de_chaque_pays_relus_a_l_identique():
    assert len(exemples()) == 489
    changes = [(region, e164, numero_ecrit(e164)) for region, e164 in exemples()
               if en_e164(numero_ecrit(e164)) != e164]
    assert changes == []


@pytest.mark.parametrize(("e164", "ecrit"), [
    ("+12684641234", "+1 268 464 1234"),  # was '(268) 464-1234', refused when read back
    ("+971501234567", "+971 50 123 4567"),  # was '050 123 4567', read back as +33 5 01…
    ("+442079460958", "+44 20 7946 0958"),
    ("+33612345678", "06 12 34 56 78"),
    ("+596596301234", "0596 30 12 34"),
    ("+508430123", "043 01 23"),
    ("+687201234", "20 12 34"),  # not '20.12.34', that a spreadsheet reads as a date
    ("+68940412345", "40 41 23 45"),
    ("+681721234", "+681 72 12 34"),  # its national form is also New Caledonia's
])
def test_ecrit_en_national_pour_la_france_en_international_ailleurs(e164, ecrit):
    assert numero_ecrit(e164) == ecrit
    assert en_e164(ecrit) == e164


@pytest.mark.parametrize(("region", "e164"), [
    (region, e164) for region, e164 in exemples() if region in REGIONS_FRANCAISES
])
def test_forme_nationale_de_chaque_territoire_francais(region, e164):
    saisie = saisie_habituelle(region, e164)
    if region in AMBIGUS:
        with pytest.raises(NumeroInvalide) as refus:
            en_e164(saisie)
        assert refus.value.message == (
            f"Ce numéro peut être un numéro de Nouvelle-Calédonie (+687 {saisie}) ou de "
            f"Wallis-et-Futuna (+681 {saisie}) : écrivez-le avec son indicatif."
        )
    else:
        assert en_e164(saisie) == e164


@pytest.mark.parametrize(("saisie", "e164"), [
    ("0590 27 12 34", "+590590271234"),  # Guadeloupe, Saint-Barthélemy, Saint-Martin
    ("0690 00 12 34", "+590690001234"),
    ("0594 10 12 34", "+594594101234"),  # Guyane
    ("0694 20 12 34", "+594694201234"),
    ("0596 30 12 34", "+596596301234"),  # Martinique: was +33 5 96…
    ("0696 20 12 34", "+596696201234"),
    ("0262 16 12 34", "+262262161234"),  # La Réunion
    ("0263 00 12 34", "+262263001234"),  # Mayotte and La Réunion: was +33 2 63…
    ("0269 60 12 34", "+262269601234"),  # Mayotte: was +33 2 69…
    ("0639 01 23 45", "+262639012345"),
    ("0508 43 01 23", "+508430123"),  # Saint-Pierre-et-Miquelon, metropolitan form: was +33
    ("043 01 23", "+508430123"),  # … and its own
    ("20 12 34", "+687201234"),  # New Caledonia: was +508 (Saint-Pierre-et-Miquelon)
    ("75.12.34", "+687751234"),
    ("40 41 23 45", "+68940412345"),  # French Polynesia: was refused
    ("87 12 34 56", "+68987123456"),
    ("+33 5 96 30 12 34", "+596596301234"),  # a territory's range whatever the code typed
    ("0800 12 34 56", "+33800123456"),  # national numbers stay metropolitan
    ("09 76 12 34 56", "+33976123456"),
    ("596301234", "+596596301234"),  # a number cell of a spreadsheet drops the leading 0
    ("612345678", "+33612345678"),
    ("0044 20 7946 0958", "+442079460958"),
])
def test_chaque_plage_d_outre_mer_a_son_indicatif(saisie, e164):
    assert en_e164(saisie) == e164


@pytest.mark.parametrize("saisie", ["72 12 34", "82 12 34"])
def test_wallis_et_futuna_sans_indicatif_refuse(saisie):
    with pytest.raises(NumeroInvalide, match="écrivez-le avec son indicatif"):
        en_e164(saisie)
    assert en_e164(f"+681 {saisie}") == f"+681{saisie.replace(' ', '')}"


@pytest.mark.parametrize("saisie", ["12", "06 12", "bonjour", "+33 1", "0000000000", "06 12 34 56 7８",
                                     "+1 268 464 12345"])
def test_numero_invalide_message_en_francais(saisie):
    with pytest.raises(NumeroInvalide) as refus:
        en_e164(saisie)
    assert refus.value.message.startswith("Numéro de téléphone invalide")


def test_valeur_non_e164_ecrite_telle_quelle():
    assert numero_ecrit("") == ""
    assert numero_ecrit("pas un numéro") == "pas un numéro"



def test_migration_donne_son_indicatif_a_chaque_numero_d_outre_mer_enregistre(antenne):
    migration = importlib.import_module("stages.migrations.0008_telephones_outre_mer")
    anciens = {"+33596301234": "+596596301234", "+33263001234": "+262263001234",
               "+33269601234": "+262269601234", "+33508430123": "+508430123",
               "+33612345678": "+33612345678", "+508201234": "+508201234",
               "+442079460958": "+442079460958", "": ""}
    personnes = {ancien: creer_personne(antenne, telephone=ancien) for ancien in anciens}

    migration.indicatif_du_territoire(apps, None)

    for ancien, personne in personnes.items():
        personne.refresh_from_db()
        assert personne.telephone == anciens[ancien]
        dernier = personne.history.first()
        assert (dernier.telephone, dernier.history_change_reason) == (
            (anciens[ancien], migration.RAISON) if anciens[ancien] != ancien
            else (ancien, None)
        )


def test_les_motifs_des_metadonnees_sont_analyses():
    # Otherwise every number takes the full rule (correct, but an export of 20 000 rows
    # would spend seconds on its phones).
    assert telephones._MOTIFS is not None


def test_gabarits_ecrivent_chaque_numero_comme_la_regle(monkeypatch):
    """Numbers of every French country code and of many lengths, written through the
    templates learnt from the first ones, are written exactly as the rule writes them."""
    hasard = random.Random(15)
    numeros = [f"+336{hasard.randrange(10**8):08d}" for _ in range(1500)] + [
        f"+{indicatif}{hasard.randrange(10**longueur)}"
        for indicatif in telephones._INDICATIFS for longueur in (5, 6, 7, 8, 9, 10)
        for _ in range(150)
    ] + ["+330612345678", "+33612345678x", "+", "+33", "0612345678"]
    attendus = {numero: telephones._numero_ecrit(numero) for numero in numeros}
    monkeypatch.setattr(telephones, "_GABARITS", {})
    calcules = []
    regle = telephones._numero_ecrit
    monkeypatch.setattr(telephones, "_numero_ecrit", lambda e164: calcules.append(e164) or regle(e164))

    assert {numero: numero_ecrit(numero) for numero in numeros} == attendus
    assert {numero: numero_ecrit(numero) for numero in numeros} == attendus
    assert len(calcules) < len(numeros) / 2  # the templates did the rest

"""Rules of the field: deadlines, phone numbers, validation shared by every entry path."""

from datetime import UTC, date, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.template import engines
from django.utils import timezone

from stages.dates import ajouter_mois, date_longue
from stages.models import (
    Cadre,
    EtatEcheance,
    MotDuNom,
    Orientation,
    Personne,
    echeance_par_defaut,
    etat_echeance,
    normaliser,
)
from stages.telephones import NumeroInvalide, en_e164, numero_ecrit
from tests.factories import creer_prescripteur


@pytest.mark.parametrize(
    ("depart", "mois", "attendu"),
    [
        (date(2026, 3, 3), 6, date(2026, 9, 3)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_ajouter_mois_garde_le_jour_ou_prend_le_dernier_du_mois(depart, mois, attendu):
    assert ajouter_mois(depart, mois) == attendu


@pytest.mark.parametrize(
    ("jour", "texte"),
    [
        (date(2026, 12, 1), "mardi 1er décembre 2026"),
        (date(2027, 8, 2), "lundi 2 août 2027"),
        (date(2026, 2, 22), "dimanche 22 février 2026"),
    ],
)
def test_date_longue_ecrit_le_premier_du_mois_1er(jour, texte):
    assert date_longue(jour) == texte


def test_filtre_date_longue_lit_l_heure_de_paris():
    # 23:30 UTC on 31 December is already 1 January in Paris.
    gabarit = engines["django"].from_string("{{ quand|date_longue }} à {{ quand|time:'H:i' }}")
    rendu = gabarit.render({"quand": datetime(2026, 12, 31, 23, 30, tzinfo=UTC)})
    assert rendu == "vendredi 1er janvier 2027 à 00:30"


def test_echeance_peine_de_stage_compte_depuis_la_condamnation_definitive():
    commun = {"date_orientation": date(2026, 5, 1), "date_decision": date(2026, 3, 1),
              "delai_mois": 6}
    assert echeance_par_defaut(
        cadre=Cadre.PEINE, date_definitive=date(2026, 4, 10), **commun
    ) == date(2026, 10, 10)
    assert echeance_par_defaut(
        cadre=Cadre.ALTERNATIVE, date_definitive=None, **commun
    ) == date(2026, 9, 1)
    volontaire = {**commun, "date_decision": None}
    assert echeance_par_defaut(
        cadre=Cadre.VOLONTAIRE, date_definitive=None, **volontaire
    ) == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("jours", "etat"),
    [(-1, EtatEcheance.DEPASSEE), (0, EtatEcheance.CRITIQUE), (30, EtatEcheance.CRITIQUE),
     (31, EtatEcheance.PROCHE), (60, EtatEcheance.PROCHE), (61, EtatEcheance.OK)],
)
def test_etat_echeance_seuils(jours, etat):
    aujourd_hui = date(2026, 11, 23)
    assert etat_echeance(aujourd_hui + timedelta(days=jours), aujourd_hui) == etat


@pytest.mark.parametrize(("saisie", "normalise"), [
    ("  Éloïse-Marie  DURAND ", "eloise marie durand"),
    ("Lætitia", "laetitia"), ("CŒUR", "coeur"), ("Strauß", "strauss"), ("Øberg", "oberg"),
    ("d’Artagnan", "d artagnan"), ("d'Artagnan", "d artagnan"),
    ("Андрей", "андреи"), ("Nguyễn", "nguyen"), ("محمد", "محمد"),
])
def test_normaliser_ignore_accents_casse_ponctuation_garde_chaque_lettre(saisie, normalise):
    assert normaliser(saisie) == normalise


@pytest.mark.parametrize(
    ("saisie", "e164", "affiche"),
    [
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("+33 (0)6.12.34.56.78", "+33612345678", "06 12 34 56 78"),
        ("0590 12 34 56", "+590590123456", "0590 12 34 56"),
        ("0262123456", "+262262123456", "0262 12 34 56"),
        ("0696 12 34 56", "+596696123456", "0696 12 34 56"),
    ],
)
def test_telephones_francais_et_outre_mer(saisie, e164, affiche):
    assert en_e164(saisie) == e164
    assert numero_ecrit(e164) == affiche


@pytest.mark.parametrize("saisie", ["12", "06 12", "bonjour", "+33 1", "0000000000"])
def test_telephone_invalide(saisie):
    with pytest.raises(NumeroInvalide):
        en_e164(saisie)


def _personne(antenne, **champs):
    valeurs = {"nom": "Durand", "prenom": "Éloïse", "sexe": "F", "date_naissance": date(1990, 1, 1)}
    return Personne(antenne=antenne, **(valeurs | champs))


def test_personne_telephone_stocke_en_e164(antenne):
    personne = _personne(antenne, telephone="06 12 34 56 78")
    personne.full_clean()
    assert personne.telephone == "+33612345678"


@pytest.mark.parametrize(
    ("champs", "champ_en_erreur", "message"),
    [
        ({"date_naissance": date(2100, 1, 1)}, "date_naissance", "dans le futur"),
        ({"date_naissance": "moins_de_13_ans"}, "date_naissance", "moins de 13 ans"),
        ({"telephone": "06 12"}, "telephone", "Numéro de téléphone invalide"),
    ],
)
def test_personne_refuse_l_impossible(antenne, champs, champ_en_erreur, message):
    if champs.get("date_naissance") == "moins_de_13_ans":
        champs["date_naissance"] = timezone.localdate() - timedelta(days=12 * 365)
    with pytest.raises(ValidationError) as erreur:
        _personne(antenne, **champs).full_clean()
    assert message in " ".join(erreur.value.message_dict[champ_en_erreur])


def _orientation(antenne, **champs):
    valeurs = {
        "cadre": Cadre.ALTERNATIVE, "date_orientation": date(2026, 9, 1),
        "date_decision": date(2026, 8, 1), "echeance": date(2027, 2, 1),
        "echeance_initiale": date(2027, 2, 1),
    }
    valeurs |= champs
    if "prescripteur" not in valeurs and valeurs["cadre"] != Cadre.VOLONTAIRE:
        valeurs["prescripteur"] = creer_prescripteur(antenne)
    return Orientation(antenne=antenne, **valeurs)


@pytest.mark.parametrize(
    ("champs", "champ_en_erreur", "message"),
    [
        ({"date_decision": date(2026, 9, 2)}, "date_decision", "postérieure à la date d'orientation"),
        ({"echeance": date(2026, 7, 1)}, "echeance", "précéder la date de la décision"),
        ({"date_orientation": date(2100, 1, 1)}, "date_orientation", "futur"),
        ({"urgent": True}, "motif_urgence", "motif de l'urgence"),
        ({"cadre": Cadre.VOLONTAIRE, "date_decision": None, "prescripteur": "creer"},
         "prescripteur", "volontaire n'a pas de prescripteur"),
        ({"prescripteur": None}, "prescripteur", "Indiquez le prescripteur"),
        ({"cadre": Cadre.PEINE}, "date_definitive", "condamnation est définitive"),
        ({"cadre": Cadre.PEINE, "date_definitive": date(2100, 1, 1)}, "date_definitive",
         "définitive dans le futur"),
        ({"cadre": "inconnu"}, "cadre", "n’est pas un choix valide"),
        ({"reference": "R" * 51}, "reference", "au plus 50 caractères"),
    ],
)
def test_orientation_refuse_l_impossible(antenne, champs, champ_en_erreur, message):
    if champs.get("prescripteur") == "creer":
        champs["prescripteur"] = creer_prescripteur(antenne)
    orientation = _orientation(antenne, **champs)
    with pytest.raises(ValidationError) as erreur:
        orientation.full_clean(exclude=["personne"])
    assert message in " ".join(erreur.value.message_dict[champ_en_erreur])


def test_orientation_refuse_le_prescripteur_d_une_autre_antenne(antenne, autre_antenne):
    orientation = _orientation(antenne, prescripteur=creer_prescripteur(autre_antenne))
    with pytest.raises(ValidationError) as erreur:
        orientation.full_clean(exclude=["personne"])
    assert "n'appartient pas à votre antenne" in erreur.value.message_dict["prescripteur"][0]


def test_orientation_valide(antenne):
    _orientation(antenne).full_clean(exclude=["personne"])


def test_migration_renormalise_les_noms_enregistres_avant(antenne):
    laetitia = Personne.objects.create(antenne=antenne, nom="Cœur", prenom="Lætitia", sexe="F",
                                       date_naissance=date(1990, 1, 1))
    durand = Personne.objects.create(antenne=antenne, nom="Durand", prenom="Léo", sexe="M",
                                     date_naissance=date(1990, 1, 1))
    # As the former normalisation left them: letters outside ASCII dropped.
    Personne.objects.filter(pk=laetitia.pk).update(nom_normalise="cur", prenom_normalise="ltitia")
    MotDuNom.objects.filter(personne=laetitia).update(mot="cur")
    avant_durand = list(MotDuNom.objects.filter(personne=durand).values_list("pk", flat=True))

    import_module("stages.migrations.0005_noms_normalises_toutes_lettres").renormaliser(apps, None)

    laetitia.refresh_from_db()
    assert (laetitia.nom_normalise, laetitia.prenom_normalise) == ("coeur", "laetitia")
    assert set(laetitia.mots.values_list("mot", flat=True)) == {"coeur", "laetitia"}
    assert list(durand.mots.values_list("pk", flat=True)) == avant_durand  # untouched

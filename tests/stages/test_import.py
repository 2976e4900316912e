import contextlib
import csv
import io
import os
import re
import time
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from commun import tableurs
from commun.tableurs import FichierIllisible
from stages import exports, imports
from stages.imports import ImportRefuse, ecriture, import_analyser, import_executer
from stages.models import Cadre, ImportLot, Membre, Orientation, Personne, Role, Statut, normaliser
from stages.selectors import FiltresListe, liste_attente
from stages.views.imports import CLE_SESSION
from tests.concurrence import en_meme_temps
from tests.factories import (
    creer_orientation,
    creer_personne,
    creer_prescripteur,
    creer_utilisateur,
)
from tests.stages.conftest import PARQUET

URL = reverse("stages:import_orientations")
URL_CONFIRMER = reverse("stages:import_confirmer")
HTMX = {"HX-Request": "true"}
LIGNE = {
    "Nom": "Martin", "Prénom": "Léo", "Sexe": "Homme", "Date de naissance": "14/07/1985",
    "Téléphone": "06 12 34 56 78", "E-mail": "leo.martin@exemple.fr", "Prescripteur": PARQUET,
    "Cadre": "Alternative aux poursuites (CPP 41-1)", "Référence": "PQ-1",
    "Date d'orientation": "02/03/2026", "Date de décision": "20/02/2026", "Urgent": "non",
    "Motif de l'urgence": "", "Statut": "En attente",
}


def ligne(**champs) -> dict:
    """LIGNE with some columns changed: `Motif_de_l_urgence=...` for "Motif de l'urgence"."""
    titres = {normaliser(re.sub("[_'-]", " ", titre)): titre for titre in LIGNE}
    return LIGNE | {titres[normaliser(cle.replace("_", " "))]: v for cle, v in champs.items()}


def en_csv(*lignes: dict, separateur=";", encodage="utf-8-sig", entetes=None) -> bytes:
    entetes = entetes or list(dict.fromkeys(titre for valeurs in lignes for titre in valeurs))
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=separateur)
    ecrivain.writerow(entetes)
    ecrivain.writerows([valeurs.get(titre, "") for titre in entetes] for valeurs in lignes)
    return sortie.getvalue().encode(encodage)


def en_xlsx(entetes: list, *rangees: list) -> bytes:
    classeur = Workbook()
    feuille = classeur.active
    for rangee in (entetes, *rangees):
        feuille.append(rangee)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def cellule_date(*annee_mois_jour) -> datetime:
    return datetime(*annee_mois_jour)  # noqa: DTZ001 (an Excel date has no time zone)


def comptes() -> tuple[int, int]:
    return Personne.objects.count(), Orientation.objects.count()


# --- Reading and creating ------------------------------------------------------------------


def test_csv_cree_chaque_orientation_en_attente(antenne, parquet):
    contenu = en_csv(
        LIGNE,
        ligne(Nom="Durand", Prénom="Éloïse", Sexe="F", Cadre="volontaire", Prescripteur="",
              Date_de_décision="", Référence="", Téléphone="0590 12 34 56", E_mail=""),
        ligne(Nom="Petit", Prénom="Jean", Cadre="sursis", Urgent="oui",
              Motif_de_l_urgence="Réorientation", Date_de_naissance="1990-05-06"),
    )
    analyse = import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")

    assert (len(analyse.a_creer), analyse.nb_personnes_nouvelles, analyse.erreurs) == (3, 3, [])
    martin, durand, petit = Orientation.objects.order_by("id").select_related("personne")
    assert martin.personne.telephone == "+33612345678"
    assert martin.prescripteur == parquet and martin.statut == Statut.EN_ATTENTE
    assert martin.echeance == martin.echeance_initiale == date(2026, 8, 20)
    assert martin.cle_creation.startswith("import:")
    assert (durand.cadre, durand.prescripteur, durand.personne.sexe) == (Cadre.VOLONTAIRE, None, "F")
    assert durand.personne.telephone == "+590590123456"
    assert durand.echeance == date(2026, 9, 2)  # six months from the orientation
    assert (petit.urgent, petit.motif_urgence, petit.cadre) == (True, "Réorientation", Cadre.SURSIS)
    assert petit.personne.date_naissance == date(1990, 5, 6)
    assert all(o.antenne == antenne for o in (martin, durand, petit))


def test_xlsx_vraies_dates_nombres_et_titres_approchants(antenne, parquet):
    contenu = en_xlsx(
        ["NOM", "prenom", "Sexe", "date_naissance", "Telephone", "Prescripteur", "CADRE",
         "Référence", "Date d’orientation", "Date de la décision", "Urgent", "Colonne perso"],
        ["Martin", "Léo", "H", cellule_date(1985, 7, 14), 612345678, PARQUET, "41-1", 12345,
         date(2026, 3, 2), cellule_date(2026, 2, 20), False, "à ignorer"],
    )
    analyse = import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.xlsx")

    assert analyse.colonnes_ignorees == ["Colonne perso"]
    orientation = Orientation.objects.select_related("personne").get()
    assert orientation.personne.date_naissance == date(1985, 7, 14)
    assert orientation.personne.telephone == "+33612345678"
    assert (orientation.reference, orientation.date_orientation) == ("12345", date(2026, 3, 2))


def test_csv_windows_cp1252_avec_virgules(antenne, parquet):
    contenu = en_csv(ligne(Nom="Béziat", Prénom="Zoé", Sexe="Femme"), separateur=",",
                     encodage="cp1252")
    import_executer(antenne=antenne, contenu=contenu, nom_fichier="ancien.csv")
    assert str(Personne.objects.get()) == "BÉZIAT Zoé"


def test_formule_protegee_par_l_export_relue_telle_quelle(antenne, parquet):
    contenu = en_csv(ligne(Référence="'=PQ-1", Téléphone="'+44 20 7946 0958"))
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    (lue,) = analyse.lignes
    assert (lue.orientation.reference, lue.personne.telephone) == ("=PQ-1", "+442079460958")


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_aller_retour_export_import_garde_l_ordre(antenne, autre_antenne, format_):
    aujourd_hui = timezone.localdate()
    for antenne_ in (antenne, autre_antenne):
        creer_prescripteur(antenne_, nom=PARQUET)
        creer_prescripteur(antenne_, nom="SPIP des Pyrénées-Orientales")
    parquet_a, spip_a = antenne.prescripteurs.order_by("nom")
    meme_jour = date(2026, 5, 4)
    # Created out of rank order; the same date for three, so the ids decide among them.
    for nom, champs in [
        ("Zola", {"date_orientation": meme_jour}),
        ("Abel", {"date_orientation": date(2026, 6, 1), "urgent": True,
                  "motif_urgence": "Réorientation"}),
        ("Moreau", {"date_orientation": date(2026, 2, 1), "prescripteur": spip_a,
                    "cadre": Cadre.SURSIS}),
        ("Bernard", {"date_orientation": meme_jour, "cadre": Cadre.VOLONTAIRE,
                     "prescripteur": None, "date_decision": None}),
        ("Alix", {"date_orientation": meme_jour, "nb_reports": 2, "nb_absences": 1}),
        ("Dupont", {"date_orientation": date(2026, 1, 10), "urgent": True,
                    "motif_urgence": "Parquet"}),
        ("Petit", {"date_orientation": date(2026, 3, 2), "cadre": Cadre.PEINE,
                   "date_definitive": date(2026, 2, 25), "echeance": date(2026, 9, 30)}),
    ]:
        champs.setdefault("prescripteur", parquet_a)
        champs.setdefault("date_decision", champs["date_orientation"] - timedelta(days=10))
        personne = creer_personne(antenne, nom=nom, prenom="Camille", telephone="+590590123456")
        creer_orientation(antenne, personne=personne, reference=f"REF-{nom}", **champs)
    creer_orientation(antenne, personne=Personne.objects.get(nom="Moreau"), prescripteur=parquet_a,
                      cadre=Cadre.COMPOSITION, date_orientation=date(2026, 7, 1),
                      date_decision=date(2026, 6, 20), reference="REF-Moreau-2")
    creer_orientation(antenne, statut=Statut.TERMINEE)  # not in the waiting list

    rangees = exports.rangees_liste_attente(antenne, FiltresListe(), aujourd_hui)
    if format_ == "csv":
        contenu = "".join(exports.morceaux_csv(rangees)).encode()
    else:
        sortie = io.BytesIO()
        exports.ecrire_xlsx(rangees, sortie)
        contenu = sortie.getvalue()
    analyse = import_executer(antenne=autre_antenne, contenu=contenu,
                              nom_fichier=f"export.{format_}")

    def ordre(antenne_):
        return [
            (o.personne.nom, o.personne.date_naissance, o.personne.telephone, o.prescripteur.nom
             if o.prescripteur else None, o.cadre, o.reference, o.date_orientation,
             o.date_decision, o.date_definitive, o.echeance, o.urgent, o.motif_urgence,
             o.nb_reports, o.nb_absences)
            for o in liste_attente(antenne_, FiltresListe(), aujourd_hui)
        ]

    assert analyse.colonnes_ignorees == []
    assert [nom for nom, *_ in ordre(autre_antenne)] == [
        "Dupont", "Abel", "Moreau", "Petit", "Zola", "Bernard", "Alix", "Moreau"
    ]
    assert ordre(autre_antenne) == ordre(antenne)
    assert autre_antenne.personnes.count() == 7  # Moreau's two orientations: one person


def test_reimporter_le_meme_fichier_ne_cree_rien(antenne, parquet):
    contenu = en_csv(LIGNE, ligne(Nom="Petit"))
    import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    avant = comptes()

    analyse = import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")

    assert comptes() == avant == (2, 2)
    assert (analyse.a_creer, analyse.nb_deja_importees) == ([], 2)
    assert "déjà importée." in "\n".join(analyse.rapport())


def test_meme_fichier_dans_une_autre_antenne_est_importe(antenne, autre_antenne, parquet):
    creer_prescripteur(autre_antenne, nom=PARQUET)
    contenu = en_csv(LIGNE)
    import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    analyse = import_executer(antenne=autre_antenne, contenu=contenu, nom_fichier="liste.csv")
    assert len(analyse.a_creer) == 1
    assert Orientation.objects.filter(antenne=autre_antenne).count() == 1


def test_personne_connue_reprise_et_meme_personne_sur_deux_lignes(antenne, parquet):
    connue = creer_personne(antenne, nom="MARTIN", prenom="Leo", date_naissance=date(1985, 7, 14))
    contenu = en_csv(
        LIGNE,
        ligne(Nom="Petit", Prénom="Jean", Référence="A"),
        ligne(Nom="petit", Prénom="JEAN", Référence="B", Cadre="41-2"),
    )
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    martin, petit_a, petit_b = analyse.lignes
    assert martin.personne == connue and martin.personne_existante
    assert (petit_a.meme_personne_que, petit_b.meme_personne_que) == (None, 3)
    assert (analyse.nb_personnes_nouvelles, analyse.nb_personnes_reprises) == (1, 1)

    import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    assert Personne.objects.count() == 2
    assert connue.orientations.count() == 1
    assert Personne.objects.get(nom="Petit").orientations.count() == 2


def test_orientation_deja_saisie_a_la_main_n_est_pas_dupliquee(antenne, parquet):
    personne = creer_personne(antenne, nom="Martin", prenom="Léo", date_naissance=date(1985, 7, 14))
    creer_orientation(antenne, personne=personne, prescripteur=parquet, reference="pq 1",
                      date_orientation=date(2026, 3, 2), date_decision=date(2026, 2, 20))
    analyse = import_executer(antenne=antenne, contenu=en_csv(LIGNE), nom_fichier="liste.csv")
    assert (analyse.a_creer, analyse.nb_deja_importees) == ([], 1)
    assert Orientation.objects.count() == 1


def test_seules_les_orientations_en_attente_sont_importees(antenne, parquet):
    contenu = en_csv(LIGNE, ligne(Nom="Petit", Statut="Terminée"), ligne(Nom="Roux", Statut=""))
    analyse = import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    assert [lue.issue for lue in analyse.lignes] == ["a_creer", "ignoree", "a_creer"]
    assert "statut « Terminée »" in analyse.lignes[1].motif
    assert sorted(Orientation.objects.values_list("personne__nom", flat=True)) == ["Martin", "Roux"]


# --- Refused lines: a French message with its line, and nothing saved ------------------------


def _dans(annees: int) -> str:
    return (timezone.localdate() + timedelta(days=365 * annees)).strftime("%d/%m/%Y")


@pytest.mark.parametrize(("champs", "colonne", "message"), [
    ({"Date de décision": "10/03/2026"}, "Date de décision",
     "La date de la décision ne peut pas être postérieure à la date d'orientation."),
    ({"Échéance": "01/02/2026"}, "Échéance",
     "L'échéance ne peut pas précéder la date de la décision."),
    ({"Date de naissance": _dans(1)}, "Date de naissance", "La date de naissance est dans le futur."),
    ({"Date de naissance": _dans(-12)}, "Date de naissance", "La personne a moins de 13 ans"),
    ({"Cadre": "Rappel à la loi"}, "Cadre", "Valeur inconnue : « Rappel à la loi »."),
    ({"Téléphone": "12 34"}, "Téléphone", "Numéro de téléphone invalide"),
    ({"Référence": "R" * 51}, "Référence", "au plus 50 caractères"),
    ({"Urgent": "oui"}, "Motif de l'urgence", "Indiquez le motif de l'urgence"),
    ({"Cadre": "Démarche volontaire"}, "Prescripteur",
     "Une démarche volontaire n'a pas de prescripteur."),
    ({"Prescripteur": ""}, "Prescripteur", "Indiquez le prescripteur de cette mesure judiciaire."),
    ({"Prescripteur": "Parquet de Nulle-Part"}, "Prescripteur",
     "Prescripteur inconnu : « Parquet de Nulle-Part », 1 ligne (3). Créez-le, faites-le "
     "correspondre à un prescripteur existant"),
    ({"Date d'orientation": "31/02/2026"}, "Date d'orientation",
     "Cette date n'existe pas : « 31/02/2026 »."),
    ({"Date d'orientation": "le 2 mars"}, "Date d'orientation", "Date illisible : « le 2 mars »"),
    ({"Date d'orientation": _dans(1)}, "Date d'orientation", "ne peut pas être dans le futur"),
    ({"Date de décision": ""}, "Date de décision", "Indiquez la date de la décision judiciaire."),
    ({"Cadre": "131-5-1"}, "Date définitive", "la condamnation est définitive"),
    ({"Cadre": "131-5-1", "Date définitive": "31/12/9999"}, "Date définitive",
     "Année invraisemblable : « 31/12/9999 »."),
    ({"Date de naissance": "02/03/1026"}, "Date de naissance", "Année invraisemblable"),
    ({"Sexe": "X"}, "Sexe", "Valeur inconnue : « X »."),
    ({"Urgent": "peut-être"}, "Urgent", "Valeur non comprise : « peut-être »"),
    ({"E-mail": "leo@"}, "E-mail", "Saisissez une adresse de courriel valide."),
    ({"Nom": "  "}, "Nom", "Nom manquant."),
    ({"Statut": "Perdue"}, "Statut", "Valeur inconnue : « Perdue »."),
])
def test_ligne_fausse_refusee_avec_son_message_et_rien_n_est_enregistre(
    antenne, parquet, champs, colonne, message,
):
    avant = comptes()
    contenu = en_csv(ligne(Nom="Petit", Référence="OK"), LIGNE | champs)
    with pytest.raises(ImportRefuse) as refus:
        import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    erreurs = [(e.ligne, e.colonne, e.message) for e in refus.value.analyse.erreurs]
    assert len(erreurs) == 1, erreurs
    assert erreurs[0][:2] == (3, colonne)
    assert message in erreurs[0][2]
    assert comptes() == avant


def test_une_erreur_n_importe_aucune_des_lignes_justes(antenne, parquet):
    contenu = en_csv(*[ligne(Référence=f"R{n}") for n in range(5)], ligne(Prescripteur="Inconnu"))
    with pytest.raises(ImportRefuse):
        import_executer(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")
    assert comptes() == (0, 0)


def test_ligne_en_double_dans_le_fichier(antenne, parquet):
    analyse = import_analyser(antenne=antenne, contenu=en_csv(LIGNE, LIGNE), nom_fichier="l.csv")
    assert [(e.ligne, e.colonne) for e in analyse.erreurs] == [(3, "Ligne entière")]
    assert "qu'à la ligne 2" in analyse.erreurs[0].message
    assert [lue.numero for lue in analyse.lignes] == [2]


def test_echec_a_l_enregistrement_annule_les_lignes_deja_creees(antenne, parquet, monkeypatch):
    """The second batch fails: the first one's rows, committed, are deleted."""
    ecrire = ecriture.lignes_ecrire
    appels = []

    def ecrire_puis_echouer(**arguments):
        appels.append(len(arguments["lignes"]))
        if len(appels) == 2:
            raise IntegrityError("clé déjà prise")
        ecrire(**arguments)

    monkeypatch.setattr(ecriture, "TAILLE_LOT", 1)
    monkeypatch.setattr(ecriture, "lignes_ecrire", ecrire_puis_echouer)
    with pytest.raises(IntegrityError):
        import_executer(antenne=antenne, contenu=en_csv(LIGNE, ligne(Nom="Petit")),
                        nom_fichier="l.csv")
    assert appels == [1, 1]
    assert comptes() == (0, 0)
    assert Orientation.history.count() == Personne.history.count() == 0


def test_date_illisible_ne_donne_qu_une_erreur(antenne, parquet):
    analyse = import_analyser(antenne=antenne, contenu=en_csv(ligne(Date_d_orientation="hier")),
                              nom_fichier="l.csv")
    assert [e.colonne for e in analyse.erreurs] == ["Date d'orientation"]


# --- Unusable files --------------------------------------------------------------------------


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + bytes(40)


# The reading itself (formats, encodings, bounds) is tested in tests/commun/test_tableurs.py;
# here, what the import adds to it, and that its refusals reach the user.
@pytest.mark.parametrize(("contenu", "nom", "message"), [
    (_png(), "photo.png", "ni un CSV ni un classeur Excel"),
    (b"Nom;Pr\xc3\xa9nom\nMartin;L\xc3\xa9o\n", "liste.csv",
     "Colonnes obligatoires absentes : « Sexe », « Date de naissance », « Cadre », "
     "« Date d'orientation »."),
    (";".join(LIGNE).encode(), "titres.csv", "aucune orientation sous la ligne des titres"),
    (b"Nom;Sexe;NOM\nA;H;B\n", "double.csv", "La colonne « Nom » apparaît deux fois."),
])
def test_fichier_inutilisable_message_en_francais(antenne, contenu, nom, message):
    with pytest.raises(FichierIllisible) as erreur:
        import_analyser(antenne=antenne, contenu=contenu, nom_fichier=nom)
    assert message in str(erreur.value)


def test_titres_sous_des_lignes_vides_et_numeros_de_ligne_du_tableur(antenne, parquet):
    classeur = Workbook()
    feuille = classeur.active
    feuille.append(list(LIGNE))
    feuille.append([])
    feuille.append(list(ligne(Prescripteur="Inconnu").values()))
    feuille.insert_rows(1, 2)
    sortie = io.BytesIO()
    classeur.save(sortie)
    analyse = import_analyser(antenne=antenne, contenu=sortie.getvalue(), nom_fichier="l.xlsx")
    assert [(e.ligne, e.colonne) for e in analyse.erreurs] == [(5, "Prescripteur")]


@hypothesis_settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contenu=st.binary(max_size=3000))
def test_octets_quelconques_jamais_d_autre_exception(antenne, contenu):
    with contextlib.suppress(FichierIllisible):
        import_analyser(antenne=antenne, contenu=contenu, nom_fichier="x.csv")


_EXEMPLES = st.sampled_from(
    ["", "oui", "41-1", "Homme", "01/02/1980", "31/13/2020", "2026-02-30", "'=1", "0590123456",
     PARQUET, "Démarche volontaire", "En attente", "99999999999", "-3", "x" * 60]
)
_CELLULE = st.text(max_size=30) | _EXEMPLES


@hypothesis_settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rangees=st.lists(st.lists(_CELLULE, min_size=0, max_size=len(LIGNE) + 2), max_size=6),
       separateur=st.sampled_from(";,\t"))
def test_csv_quelconque_jamais_d_autre_exception(antenne, parquet, rangees, separateur):
    sortie = io.StringIO()
    csv.writer(sortie, delimiter=separateur).writerows([list(LIGNE), *rangees])
    try:
        analyse = import_analyser(antenne=antenne, contenu=sortie.getvalue().encode(),
                                  nom_fichier="x.csv")
    except FichierIllisible:
        return
    assert all(e.message for e in analyse.erreurs)


# openpyxl refuses control characters, and dates before 1900 (Excel's first day).
_VALEUR_XLSX = (
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30) | _EXEMPLES | st.none()
    | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False)
    | st.datetimes(min_value=cellule_date(1900, 3, 1), max_value=cellule_date(2100, 1, 1))
)


@hypothesis_settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rangees=st.lists(st.lists(_VALEUR_XLSX, max_size=len(LIGNE)), min_size=1, max_size=4))
def test_xlsx_quelconque_jamais_d_autre_exception(antenne, parquet, rangees):
    with contextlib.suppress(FichierIllisible):
        import_analyser(antenne=antenne, contenu=en_xlsx(list(LIGNE), *rangees),
                        nom_fichier="x.xlsx")


def test_chaque_colonne_de_l_export_est_importee_ou_calculee():
    lues = {colonne.titre for colonne in imports.COLONNES} | set(imports.COLONNES_CALCULEES)
    assert set(exports.COLONNES) <= lues
    noms = [nom for colonne in imports.COLONNES for nom in colonne.noms()]
    assert len(noms) == len(set(noms)), "deux colonnes acceptent le même titre"


# --- The pages -------------------------------------------------------------------------------


def _deposer(client, contenu: bytes, nom="liste.csv", **kwargs):
    return client.post(URL, {"fichier": SimpleUploadedFile(nom, contenu)}, **kwargs)


@hypothesis_settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contenu=st.binary(max_size=2000),
       nom=st.sampled_from(["liste.csv", "liste.xlsx", "liste.xls", "liste.ods", "liste", ".csv"]))
def test_page_fichier_quelconque_jamais_de_500_ni_d_enregistrement(client_secretariat, contenu, nom):
    avant = Orientation.objects.count(), Personne.objects.count()

    reponse = _deposer(client_secretariat, contenu, nom)

    assert reponse.status_code == 200
    assert (Orientation.objects.count(), Personne.objects.count()) == avant


def test_page_documente_les_colonnes_de_l_export(client_secretariat):
    reponse = client_secretariat.get(URL)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    for titre in exports.COLONNES:
        assert f'<th scope="row">{titre.replace("\'", "&#x27;")}</th>' in page
    assert "Tout ou rien" in page


def test_apercu_puis_confirmation(client_secretariat, antenne, parquet, dossier_prive):
    creer_personne(antenne, nom="Martin", prenom="Léo", date_naissance=date(1985, 7, 14))
    reponse = _deposer(client_secretariat, en_csv(LIGNE, ligne(Nom="Petit", Prénom="Jean")))

    assert reponse.status_code == 200
    analyse = reponse.context["analyse"]
    assert (len(analyse.a_creer), analyse.nb_personnes_reprises) == (2, 1)
    page = reponse.content.decode()
    assert "Confirmer l'import de 2 orientations" in page
    assert "personne déjà connue, reprise" in page
    assert comptes() == (1, 0)
    jeton = client_secretariat.session[CLE_SESSION]["jeton"]
    assert [f.name for f in dossier_prive.iterdir()] == [jeton]

    reponse = client_secretariat.post(URL_CONFIRMER, {"jeton": jeton})
    lot = ImportLot.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse("stages:import_suivi", args=[lot.pk])
    assert comptes() == (2, 2)  # the worker ran it (Q_CLUSTER sync in the tests)
    assert list(dossier_prive.iterdir()) == []
    assert CLE_SESSION not in client_secretariat.session

    suivante = client_secretariat.get(reponse.url).content.decode()
    assert "2 orientations importées depuis « liste.csv »." in suivante
    assert f'href="{reverse("stages:liste_attente")}"' in suivante
    assert 'hx-trigger="every 1s"' not in suivante  # finished: the page stops polling


def test_l_apercu_montre_l_echeance_calculee(client_secretariat, parquet, dossier_prive):
    """An empty Échéance column: the preview shows the antenne's delay from the decision."""
    reponse = _deposer(client_secretariat, en_csv(LIGNE | {"Échéance": ""}))

    apercu = reponse.content.decode().split('<th scope="col">Échéance</th>', 1)[1]
    assert "<td>20/08/2026</td>" in apercu  # 20/02/2026 + 6 months


def test_un_nouveau_fichier_remplace_l_apercu_et_les_oublies_sont_effaces(
    client_secretariat, parquet, dossier_prive,
):
    dossier_prive.mkdir(parents=True)
    oublie, recent = dossier_prive / "oublie", dossier_prive / "recent"
    oublie.write_bytes(b"x")
    recent.write_bytes(b"x")
    il_y_a_deux_jours = time.time() - 2 * 24 * 3600
    os.utime(oublie, (il_y_a_deux_jours, il_y_a_deux_jours))

    _deposer(client_secretariat, en_csv(LIGNE))
    _deposer(client_secretariat, en_csv(ligne(Nom="Petit")))

    jeton = client_secretariat.session[CLE_SESSION]["jeton"]
    assert sorted(f.name for f in dossier_prive.iterdir()) == sorted([jeton, "recent"])
    client_secretariat.post(URL_CONFIRMER, {"jeton": jeton})
    assert list(Personne.objects.values_list("nom", flat=True)) == ["Petit"]


def test_double_confirmation_importe_une_fois(client_secretariat, parquet):
    _deposer(client_secretariat, en_csv(LIGNE))
    jeton = client_secretariat.session[CLE_SESSION]["jeton"]
    premiere = client_secretariat.post(URL_CONFIRMER, {"jeton": jeton})
    seconde = client_secretariat.post(URL_CONFIRMER, {"jeton": jeton}, follow=True)
    assert premiere.status_code == 302
    assert "n&#x27;est plus en attente" in seconde.content.decode()
    assert comptes() == (1, 1)


def test_confirmation_htmx_redirige(client_secretariat, parquet):
    reponse = _deposer(client_secretariat, en_csv(LIGNE), headers=HTMX)
    assert b"<html" not in reponse.content
    assert "Aperçu de « liste.csv »" in reponse.content.decode()
    jeton = client_secretariat.session[CLE_SESSION]["jeton"]
    reponse = client_secretariat.post(URL_CONFIRMER, {"jeton": jeton}, headers=HTMX)
    assert reponse["HX-Redirect"] == reverse("stages:import_suivi", args=[ImportLot.objects.get().pk])
    assert comptes() == (1, 1)


def test_apercu_avec_erreurs_sans_bouton_de_confirmation(client_secretariat, parquet, dossier_prive):
    # (An unknown prescripteur keeps the file, for staff's choice: see test_prescripteurs.)
    reponse = _deposer(client_secretariat, en_csv(ligne(Sexe="X")))
    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Valeur inconnue : « X »" in page
    assert "Confirmer" not in page and CLE_SESSION not in client_secretariat.session
    assert not dossier_prive.exists() or list(dossier_prive.iterdir()) == []


def test_plus_de_mille_orientations_depuis_la_page(client_secretariat, parquet):
    """No cap on the page any more (it was 1 000): the worker writes the same files as the
    command."""
    reponse = _deposer(client_secretariat, en_csv(*[ligne(Référence=f"R{n}") for n in range(1_001)]))
    assert "Confirmer l'import de 1001 orientations" in reponse.content.decode()
    client_secretariat.post(URL_CONFIRMER, {"jeton": client_secretariat.session[CLE_SESSION]["jeton"]})
    assert comptes() == (1, 1_001)


@pytest.mark.parametrize("contenu", [b"\x89PNG\r\n\x1a\n" + bytes(50), b"Nom;Autre\nA;B\n"])
def test_fichier_inutilisable_erreur_sous_le_champ(client_secretariat, contenu):
    reponse = _deposer(client_secretariat, contenu)
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["fichier"]
    assert 'class="erreurs" id="id_fichier_error"' in reponse.content.decode()


def test_fichier_trop_gros_refuse_avant_lecture(client_secretariat):
    reponse = _deposer(client_secretariat, b"x" * (tableurs.TAILLE_MAX + 1))
    assert reponse.context["form"].errors["fichier"] == [tableurs.TROP_GROS]


def test_donnees_changees_depuis_l_apercu_rien_n_est_importe(client_secretariat, parquet):
    _deposer(client_secretariat, en_csv(LIGNE, ligne(Nom="Petit")))
    parquet.nom = "Parquet de Perpignan (ancien)"
    parquet.save()
    reponse = client_secretariat.post(
        URL_CONFIRMER, {"jeton": client_secretariat.session[CLE_SESSION]["jeton"]}, follow=True
    )
    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Import échoué : 1 erreur dans « liste.csv »" in page
    assert "rien n&#x27;a été importé" in page
    assert "Prescripteur inconnu : « Parquet de Perpignan »" in page
    assert comptes() == (0, 0)
    assert ImportLot.objects.get().etat == ImportLot.Etat.ECHOUE


def test_jeton_d_un_autre_utilisateur_refuse(client, client_secretariat, antenne, parquet):
    _deposer(client_secretariat, en_csv(LIGNE))
    jeton = client_secretariat.session[CLE_SESSION]["jeton"]
    collegue = creer_utilisateur(Role.SECRETARIAT, antenne)
    client.force_login(collegue)  # the same test client: its session is replaced
    reponse = client.post(URL_CONFIRMER, {"jeton": jeton})
    assert reponse.status_code == 302 and reponse.url == URL
    assert comptes() == (0, 0)


def test_jeton_d_une_autre_antenne_refuse(client, antenne, autre_antenne, parquet):
    utilisateur = creer_utilisateur(Role.SECRETARIAT, antenne)
    Membre.objects.create(user=utilisateur, antenne=autre_antenne, role=Role.SECRETARIAT)
    client.force_login(utilisateur)
    client.post(reverse("stages:changer_antenne"), {"antenne": antenne.pk})
    _deposer(client, en_csv(LIGNE))
    jeton = client.session[CLE_SESSION]["jeton"]
    client.post(reverse("stages:changer_antenne"), {"antenne": autre_antenne.pk})
    reponse = client.post(URL_CONFIRMER, {"jeton": jeton})
    assert reponse.status_code == 302 and reponse.url == URL
    assert comptes() == (0, 0)


def test_faux_jeton_refuse(client_secretariat, parquet):
    _deposer(client_secretariat, en_csv(LIGNE))
    reponse = client_secretariat.post(URL_CONFIRMER, {"jeton": "../../etc/passwd"})
    assert reponse.status_code == 302
    assert comptes() == (0, 0)


def test_autre_antenne_n_importe_jamais_dans_la_mienne(client, antenne, autre_antenne, parquet):
    client.force_login(creer_utilisateur(Role.SECRETARIAT, autre_antenne))
    reponse = _deposer(client, en_csv(LIGNE))
    assert "Prescripteur inconnu : « Parquet de Perpignan »" in reponse.content.decode()
    assert Orientation.objects.filter(antenne=antenne).count() == 0


@pytest.mark.parametrize("role", [Role.COORDINATION, Role.ANIMATEUR])
def test_sans_droit_liste_attente_interdit(client, antenne, role):
    client.force_login(creer_utilisateur(role, antenne))
    assert client.get(URL).status_code == 403
    assert client.post(URL_CONFIRMER, {"jeton": "x"}).status_code == 403


def test_anonyme_renvoye_a_la_connexion(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL_CONFIRMER).status_code == 302


@pytest.mark.parametrize("nombre", [1, 200])
def test_apercu_en_requetes_constantes(client_secretariat, parquet, django_assert_max_num_queries,
                                       nombre):
    contenu = en_csv(*[ligne(Nom=f"Nom{n}") for n in range(nombre)])
    with django_assert_max_num_queries(12):
        reponse = _deposer(client_secretariat, contenu)
    assert len(reponse.context["analyse"].a_creer) == nombre


# --- Two confirmations at the same instant (PostgreSQL: SQLite serialises writers) ----------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrence réelle : PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_deux_imports_simultanes_creent_une_fois(antenne, parquet):
    contenu = en_csv(*[ligne(Nom="Martin", Référence=f"R{n}") for n in range(5)])
    analyses, erreurs = en_meme_temps(
        lambda: import_executer(antenne=antenne, contenu=contenu, nom_fichier="l.csv")
    )
    assert erreurs == []
    assert comptes() == (1, 5)
    # The second waited for the first, and reports what it really did: nothing.
    assert sorted((len(a.a_creer), a.nb_deja_importees) for a in analyses) == [(0, 5), (5, 0)]


# --- The command -----------------------------------------------------------------------------


def test_commande_importe(antenne, parquet, tmp_path):
    fichier = tmp_path / "liste.csv"
    fichier.write_bytes(en_csv(LIGNE, ligne(Nom="Petit")))
    sortie = io.StringIO()
    call_command("importer_orientations", "--antenne", antenne.code, str(fichier), stdout=sortie)
    assert "À créer : 2 orientations (2 nouvelles personnes, 0 personne déjà connue reprise)." in (
        sortie.getvalue())
    assert "2 orientations importées depuis « liste.csv »." in sortie.getvalue()
    assert comptes() == (2, 2)


def test_commande_simulation_n_enregistre_rien(antenne, parquet, tmp_path):
    fichier = tmp_path / "liste.csv"
    fichier.write_bytes(en_csv(LIGNE))
    sortie = io.StringIO()
    call_command("importer_orientations", "--antenne", antenne.code, "--simulation", str(fichier),
                 stdout=sortie)
    assert "Simulation : rien n'a été enregistré." in sortie.getvalue()
    assert comptes() == (0, 0)


def test_commande_en_erreur_sort_en_echec_sans_rien_enregistrer(antenne, parquet, tmp_path):
    fichier = tmp_path / "liste.csv"
    fichier.write_bytes(en_csv(LIGNE, ligne(Nom="Petit", Cadre="Inconnu")))
    sortie = io.StringIO()
    with pytest.raises(CommandError, match="aucune orientation n'a été enregistrée"):
        call_command("importer_orientations", "--antenne", antenne.code, str(fichier),
                     stdout=sortie)
    assert "Ligne 3, Cadre : Valeur inconnue : « Inconnu »." in sortie.getvalue()
    assert comptes() == (0, 0)


@pytest.mark.parametrize(("arguments", "message"), [
    (["--antenne", "nulle-part", "liste.csv"], "Antenne inconnue : « nulle-part »."),
    (["--antenne", "perpignan", "absent.csv"], "Fichier illisible"),
    (["--antenne", "perpignan", "photo.png"], "ni un CSV ni un classeur Excel"),
])
def test_commande_refuse_antenne_ou_fichier(antenne, tmp_path, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "photo.png").write_bytes(_png())
    with pytest.raises(CommandError, match=message):
        call_command("importer_orientations", *arguments)

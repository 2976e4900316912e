"""The import's columns and lines as staff see them: titles recognised, ignored columns,
two-digit years, French messages, wording of the preview."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from stages.imports import cellules, import_analyser
from stages.imports.cellules import PAR_NOM, cle_de_titre, colonnes_du_fichier
from stages.models import Orientation
from tests.stages.test_import import LIGNE, en_csv, ligne

URL = reverse("stages:import_orientations")


def _deposer(client, contenu: bytes, nom="liste.csv"):
    return client.post(URL, {"fichier": SimpleUploadedFile(nom, contenu)})


# --- Column titles -------------------------------------------------------------------------


@pytest.mark.parametrize(("titre", "colonne"), [
    ("Tél", "Téléphone"), ("Tel.", "Téléphone"), ("TÉLÉPHONE PORTABLE", "Téléphone"),
    ("Portable", "Téléphone"), ("N° de téléphone", "Téléphone"),
    ("Ref", "Référence"), ("Réf.", "Référence"), ("N° de dossier", "Référence"),
    ("Numéro de dossier", "Référence"), ("numero dossier", "Référence"),
    ("Date naissance", "Date de naissance"), ("Date de naissance", "Date de naissance"),
    ("Né(e) le", "Date de naissance"), ("Née le", "Date de naissance"),
    ("Né le", "Date de naissance"), ("né  le :", "Date de naissance"),
    ("Date orientation", "Date d'orientation"), ("Date de l’orientation", "Date d'orientation"),
    ("Motif d'urgence", "Motif de l'urgence"), ("Mail", "E-mail"), ("Courriel", "E-mail"),
    ("Nom de famille", "Nom"), ("Commentaire", "Observations"),
])
def test_variantes_courantes_des_titres_reconnues(titre, colonne):
    assert PAR_NOM[cle_de_titre(titre)].titre == colonne


def test_titres_variantes_importes_sans_colonne_ignoree(antenne, parquet):
    titres = {"Nom": "NOM", "Date de naissance": "Né(e) le", "Téléphone": "Tél.",
              "Référence": "N° de dossier"}
    valeurs = [ligne()[titre] for titre in LIGNE]
    sortie = io.StringIO()
    sortie.write(";".join(titres.get(titre, titre) for titre in LIGNE) + "\n")
    sortie.write(";".join(valeurs) + "\n")
    analyse = import_analyser(antenne=antenne, contenu=sortie.getvalue().encode(), nom_fichier="l.csv")
    assert (analyse.erreurs, analyse.colonnes_ignorees, len(analyse.a_creer)) == ([], [], 1)
    orientation = analyse.a_creer[0].orientation
    assert orientation.reference == "PQ-1"


def test_colonne_ignoree_signalee_avant_confirmation(client_secretariat, parquet):
    contenu = en_csv(LIGNE | {"Colonne perso": "x", "Numéro CAF": "123"})

    page = _deposer(client_secretariat, contenu).content.decode()

    avertissement = page[page.index('<div class="message message--warning" role="status">'):]
    avertissement = avertissement[:avertissement.index("</div>")]
    assert ("2 colonnes du fichier non reconnues, ignorées (non importées) : « Colonne perso », "
            "« Numéro CAF »") in avertissement
    assert page.index(avertissement) < page.index("Confirmer l'import")


def test_commande_dit_les_colonnes_ignorees(antenne, parquet, tmp_path):
    fichier = tmp_path / "liste.csv"
    fichier.write_bytes(en_csv(LIGNE | {"Colonne perso": "x"}))
    sortie = io.StringIO()
    call_command("importer_orientations", "--antenne", antenne.code, str(fichier), "--simulation",
                 stdout=sortie)
    assert ("Attention : 1 colonne du fichier non reconnue, ignorée (non importée) : "
            "« Colonne perso ».") in sortie.getvalue()


def test_colonnes_du_fichier_sans_doublon_de_cle():
    colonnes, ignorees = colonnes_du_fichier(["Nom", "Prénom", "Sexe", "Née le", "Cadre",
                                              "Date orientation", "Rang", "Autre"])
    assert [c.titre for c in colonnes.values()] == ["Nom", "Prénom", "Sexe", "Date de naissance",
                                                     "Cadre", "Date d'orientation"]
    assert ignorees == ["Autre"]


# --- Two-digit years -------------------------------------------------------------------------


def test_csv_de_libreoffice_annees_a_deux_chiffres_importe_sans_erreur(antenne, parquet):
    """LibreOffice saves the dates of a CSV it opened as 05/10/91: 50 such lines."""
    lignes = [
        ligne(Nom=f"Nom{n}", Date_de_naissance=f"{1 + n % 28:02d}/{1 + n % 12:02d}/{(60 + n) % 100:02d}",
              Date_d_orientation=f"{1 + n % 28:02d}/01/26", Date_de_décision="02/12/25",
              Référence=f"R{n}")
        for n in range(50)
    ]
    analyse = import_analyser(antenne=antenne, contenu=en_csv(*lignes), nom_fichier="lo.csv")

    assert analyse.erreurs == []
    assert len(analyse.a_creer) == 50
    premiere, derniere = analyse.a_creer[0], analyse.a_creer[-1]
    assert premiere.personne.date_naissance == date(1960, 1, 1)
    assert derniere.personne.date_naissance == date(2009, 2, 22)  # (60 + 49) % 100 = 09
    assert premiere.orientation.date_orientation == date(2026, 1, 1)
    assert premiere.orientation.date_decision == date(2025, 12, 2)


@pytest.mark.parametrize(("texte", "naissance", "lue"), [
    ("05/10/91", True, date(1991, 10, 5)),
    ("05/10/91", False, date(1991, 10, 5)),
    ("05/10/12", True, date(2012, 10, 5)),   # 13 years old on 01/12/2026
    ("05/10/14", True, date(1914, 10, 5)),   # 2014: 12 years old, too young
    ("05/10/26", False, date(2026, 10, 5)),
    ("05/10/80", False, date(1980, 10, 5)),   # 46 years ago, 54 years ahead
    ("05/10/76", False, date(2076, 10, 5)),   # 50 years and 2 months ago: 2076 is closer
    ("29/02/00", False, date(2000, 2, 29)),
])
def test_siecle_d_une_annee_a_deux_chiffres(texte, naissance, lue, monkeypatch):
    monkeypatch.setattr(cellules.timezone, "localdate", lambda: date(2026, 12, 1))
    lire = cellules.lire_date_naissance if naissance else cellules.lire_date
    assert lire(texte) == lue


def test_jour_inexistant_a_deux_chiffres_refuse_en_nommant_la_cellule(antenne, parquet):
    analyse = import_analyser(antenne=antenne, contenu=en_csv(ligne(Date_de_naissance="30/02/91")),
                              nom_fichier="l.csv")
    assert [(e.ligne, e.colonne, e.message) for e in analyse.erreurs] == [
        (2, "Date de naissance", "Cette date n'existe pas : « 30/02/91 »."),
    ]


# --- Missing cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(("colonne", "message"), [
    ("Date de naissance", "Date de naissance manquante."),
    ("Date d'orientation", "Date d'orientation manquante."),
    ("Nom", "Nom manquant."),
    ("Prénom", "Prénom manquant."),
    ("Sexe", "Sexe manquant."),
    ("Cadre", "Cadre manquant."),
])
def test_cellule_obligatoire_vide_message_qui_nomme_la_colonne(antenne, parquet, colonne, message):
    analyse = import_analyser(antenne=antenne, contenu=en_csv(LIGNE | {colonne: ""}),
                              nom_fichier="l.csv")
    assert [(e.colonne, e.message) for e in analyse.erreurs] == [(colonne, message)]


# --- A reason given on a non-urgent line ----------------------------------------------------


def test_motif_d_urgence_d_une_ligne_non_urgente_ignore_et_signale(client_secretariat, antenne,
                                                                   parquet):
    contenu = en_csv(ligne(Motif_de_l_urgence="Réorientation"), ligne(Nom="Petit"))

    reponse = _deposer(client_secretariat, contenu)

    analyse = reponse.context["analyse"]
    assert (analyse.erreurs, len(analyse.a_creer)) == ([], 2)
    assert analyse.a_creer[0].orientation.motif_urgence == ""
    message = ("motif de l'urgence « Réorientation » ignoré : la ligne n'est pas urgente "
               "(colonne « Urgent »).")
    assert analyse.avertissements == [(2, message)]
    page = reponse.content.decode().replace("&#x27;", "'")
    assert f"<li>ligne 2 : {message}</li>" in page
    assert f"Non importé : {message}" in page

    jeton = client_secretariat.session["import_orientations"]["jeton"]
    client_secretariat.post(reverse("stages:import_confirmer"), {"jeton": jeton})
    assert list(Orientation.objects.values_list("motif_urgence", flat=True)) == ["", ""]


# --- Wording -------------------------------------------------------------------------------


def test_apercu_sans_erreur_ne_montre_pas_de_compteur_d_erreurs(client_secretariat, parquet):
    page = _deposer(client_secretariat, en_csv(LIGNE)).content.decode()
    assert "import__compteur-erreurs" not in page
    assert "rien ne sera importé" not in page
    assert "Confirmer l'import de 1 orientation<" in page


def test_apercu_en_erreur_dit_pourquoi_rien_n_est_importe(client_secretariat, parquet):
    contenu = en_csv(LIGNE, ligne(Nom="Petit"), ligne(Nom="Durand", Sexe="X", Cadre="?"),
                     ligne(Nom="Blanc", Sexe="X"))
    reponse = _deposer(client_secretariat, contenu)
    page = reponse.content.decode().replace("&#x27;", "'")

    assert "rien ne sera importé tant que les 3 erreurs ne sont pas corrigées" in page
    assert "Orientations à créer, une fois les erreurs corrigées</dt><dd>2</dd>" in page
    assert "<dt>Lignes en erreur</dt><dd>2</dd>" in page
    analyse = reponse.context["analyse"]
    assert len(analyse.a_creer) + analyse.nb_lignes_en_erreur == analyse.nb_lignes == 4


def test_une_seule_erreur_au_singulier(client_secretariat, parquet):
    page = _deposer(client_secretariat, en_csv(LIGNE | {"Sexe": "X"})).content.decode()
    assert "1 erreur : rien ne sera importé tant qu'elle n'est pas corrigée." in page


def test_rapport_de_la_commande_au_singulier_et_au_pluriel(antenne, parquet):
    un = import_analyser(antenne=antenne, contenu=en_csv(LIGNE), nom_fichier="l.csv").rapport()
    assert un[:2] == ["Fichier « l.csv » : 1 ligne lue.",
                      "À créer : 1 orientation (1 nouvelle personne, 0 personne déjà connue reprise)."]
    fautes = en_csv(LIGNE | {"Sexe": "X"}, ligne(Nom="B", Sexe="X", Cadre="?"))
    rapport = import_analyser(antenne=antenne, contenu=fautes, nom_fichier="l.csv").rapport()
    assert "3 erreurs sur 2 lignes : rien ne sera enregistré." in rapport
    assert not [texte for texte in rapport if "(s)" in texte]


def test_codes_des_cadres_jamais_coupes(client_secretariat, parquet):
    page = _deposer(client_secretariat, en_csv(LIGNE)).content.decode()
    assert 'Alternative aux poursuites (CPP <span class="insecable">41-1</span>)' in page
    assert "CPP 41-1" not in page

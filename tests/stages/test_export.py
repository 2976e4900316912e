import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from stages.exports import COLONNES
from stages.models import Cadre, Role, Sexe, Statut, TypeStage
from tests.factories import (
    creer_orientation,
    creer_personne,
    creer_prescripteur,
    creer_utilisateur,
)

URL_CSV = reverse("stages:export_liste_csv")
URL_XLSX = reverse("stages:export_liste_xlsx")


@pytest.fixture
def liste(antenne, autre_antenne):
    """Three waiting orientations and a cancelled one in antenne A, one in antenne B."""
    aujourd_hui = timezone.localdate()
    parquet = creer_prescripteur(antenne, nom="Parquet de Perpignan")

    def orientation(nom, prenom, jours, **champs):
        personne = creer_personne(
            antenne, nom=nom, prenom=prenom, sexe=champs.pop("sexe", Sexe.HOMME),
            date_naissance=date(1985, 4, 12), telephone="+33612345678",
            email=f"{prenom.lower()}@exemple.invalid",
        )
        champs.setdefault("prescripteur", parquet)
        return creer_orientation(
            antenne, personne=personne, reference=f"PA-{jours}",
            date_orientation=aujourd_hui - timedelta(days=jours),
            date_decision=aujourd_hui - timedelta(days=jours + 10), **champs,
        )

    orientation("Garcia", "Théo", 100)
    orientation("Lefèvre", "Éloïse", 200, sexe=Sexe.FEMME, type_stage=TypeStage.FEMMES,
                cadre=Cadre.PEINE, date_definitive=aujourd_hui - timedelta(days=205),
                echeance=aujourd_hui - timedelta(days=2))
    orientation("Benali", "Karim", 20, urgent=True, motif_urgence="Réorientation")
    orientation("Roux", "Annulé", 300, statut=Statut.ANNULEE)
    autre = creer_personne(autre_antenne, nom="Lozérien", prenom="Secret")
    creer_orientation(autre_antenne, personne=autre, cadre=Cadre.VOLONTAIRE)
    return aujourd_hui


def lire_csv(contenu: bytes) -> list[list[str]]:
    assert contenu.startswith(b"\xef\xbb\xbf")  # BOM: French Excel reads UTF-8
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def lire_xlsx(contenu: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(contenu)).active.iter_rows(values_only=True))


def telecharger_csv(client, parametres=None) -> list[list[str]]:
    reponse = client.get(URL_CSV, parametres or {})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in reponse["Content-Disposition"]
    return lire_csv(b"".join(reponse.streaming_content))


def test_csv_dans_l_ordre_avec_toutes_les_colonnes(client_secretariat, liste):
    lignes = telecharger_csv(client_secretariat)

    assert lignes[0] == list(COLONNES)
    assert [(ligne[0], ligne[1]) for ligne in lignes[1:]] == [
        ("1", "Benali"), ("2", "Lefèvre"), ("3", "Garcia"),
    ]
    eloise = dict(zip(COLONNES, lignes[2], strict=True))
    assert eloise == {
        "Rang": "2", "Nom": "Lefèvre", "Prénom": "Éloïse", "Sexe": "Femme",
        "Date de naissance": "12/04/1985", "Téléphone": "06 12 34 56 78",
        "E-mail": "éloïse@exemple.invalid", "Prescripteur": "Parquet de Perpignan",
        "Cadre": "Peine de stage (C. pén. 131-5-1)", "Référence": "PA-200",
        "Date d'orientation": f"{liste - timedelta(days=200):%d/%m/%Y}",
        "Date de décision": f"{liste - timedelta(days=210):%d/%m/%Y}",
        "Date définitive": f"{liste - timedelta(days=205):%d/%m/%Y}",
        "Échéance": f"{liste - timedelta(days=2):%d/%m/%Y}",
        "Échéance initiale": f"{liste - timedelta(days=2):%d/%m/%Y}", "Accord de prolongation": "",
        "État de l'échéance": "Dépassée", "Urgent": "non", "Motif de l'urgence": "",
        "Type de stage": "Non mixte (femmes)", "Statut": "En attente",
        "Reports": "0", "Absences": "0",
    }
    assert lignes[1][17:19] == ["oui", "Réorientation"]


def test_csv_garde_les_filtres_et_les_rangs(client_secretariat, liste):
    assert [ligne[:2] for ligne in telecharger_csv(client_secretariat, {"q": "GARCIA"})[1:]] == [
        ["3", "Garcia"]
    ]
    tous = telecharger_csv(client_secretariat, {"statut": "tous"})
    assert [(ligne[0], ligne[1]) for ligne in tous[1:]] == [
        ("1", "Benali"), ("", "Roux"), ("2", "Lefèvre"), ("3", "Garcia"),
    ]
    invalide = telecharger_csv(client_secretariat, {"echeance": "bientot", "sexe": "F"})
    assert [ligne[1] for ligne in invalide[1:]] == ["Lefèvre"]


def test_csv_garde_le_tri_et_les_filtres_avec_les_rangs_de_convocation(client_secretariat, liste):
    lignes = telecharger_csv(client_secretariat, {"tri": "nom", "sexe": "M"})

    assert [(ligne[0], ligne[1]) for ligne in lignes[1:]] == [("1", "Benali"), ("3", "Garcia")]
    lignes = telecharger_csv(client_secretariat, {"tri": "-nom"})
    assert [(ligne[0], ligne[1]) for ligne in lignes[1:]] == [
        ("2", "Lefèvre"), ("3", "Garcia"), ("1", "Benali"),
    ]


def test_xlsx_dates_reelles_ordre_et_filtres(client_secretariat, liste):
    reponse = client_secretariat.get(URL_XLSX, {"urgent": "", "cadre": ""})

    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="liste-attente-perpignan-' in reponse["Content-Disposition"]
    contenu = b"".join(reponse.streaming_content)
    lignes = lire_xlsx(contenu)
    assert lignes[0] == COLONNES
    assert [(ligne[0], ligne[1], ligne[2]) for ligne in lignes[1:]] == [
        (1, "Benali", "Karim"), (2, "Lefèvre", "Éloïse"), (3, "Garcia", "Théo"),
    ]
    naissance = load_workbook(io.BytesIO(contenu)).active.cell(
        row=3, column=COLONNES.index("Date de naissance") + 1
    )
    assert naissance.is_date and naissance.value.date() == date(1985, 4, 12)
    assert naissance.number_format == "DD/MM/YYYY"
    filtrees = lire_xlsx(b"".join(
        client_secretariat.get(URL_XLSX, {"sexe": Sexe.FEMME}).streaming_content
    ))
    assert [ligne[1] for ligne in filtrees[1:]] == ["Lefèvre"]


def test_exports_sans_l_autre_antenne(client_secretariat, liste):
    csv_brut = b"".join(client_secretariat.get(URL_CSV, {"statut": "tous"}).streaming_content)
    xlsx = lire_xlsx(b"".join(
        client_secretariat.get(URL_XLSX, {"statut": "tous"}).streaming_content
    ))

    assert "Lozérien" not in csv_brut.decode("utf-8-sig")
    assert all("Lozérien" not in ligne for ligne in xlsx)


def test_formules_neutralisees(client_secretariat, antenne):
    personne = creer_personne(antenne, nom='=HYPERLINK("http://x.invalid")', prenom="@SOMME")
    creer_orientation(antenne, personne=personne)

    ligne = telecharger_csv(client_secretariat)[1]
    cellules = list(load_workbook(io.BytesIO(b"".join(
        client_secretariat.get(URL_XLSX).streaming_content
    ))).active.iter_rows(min_row=2))[0]

    assert ligne[1:3] == ["'=HYPERLINK(\"http://x.invalid\")", "'@SOMME"]
    assert cellules[1].value == '=HYPERLINK("http://x.invalid")'
    assert cellules[1].data_type == "s"  # text, not a formula


def test_exports_reserves_au_droit_liste_attente(client, antenne):
    client.force_login(creer_utilisateur(Role.ANIMATEUR, antenne))
    assert client.get(URL_CSV).status_code == 403
    assert client.get(URL_XLSX).status_code == 403


@pytest.mark.parametrize("nombre", [1, 200])
def test_export_nombre_de_requetes_constant(client_secretariat, antenne,
                                           django_assert_max_num_queries, nombre):
    parquet = creer_prescripteur(antenne)
    for _ in range(nombre):
        creer_orientation(antenne, prescripteur=parquet)

    with django_assert_max_num_queries(10):
        lignes = telecharger_csv(client_secretariat)

    assert len(lignes) == nombre + 1


def test_commande_csv_sur_la_sortie_standard_comme_l_ecran(client_secretariat, liste):
    sortie = io.StringIO()
    call_command("exporter_liste_attente", "--antenne", "perpignan", stdout=sortie)

    ecran = b"".join(client_secretariat.get(URL_CSV).streaming_content)
    assert sortie.getvalue().encode() == ecran


def test_commande_fichiers_csv_et_xlsx(client_secretariat, liste, tmp_path):
    call_command("exporter_liste_attente", "--antenne", "perpignan",
                 "--sortie", str(tmp_path / "liste.csv"), stdout=io.StringIO())
    call_command("exporter_liste_attente", "--antenne", "perpignan", "--format", "xlsx",
                 "--sortie", str(tmp_path / "liste.xlsx"), stdout=io.StringIO())

    assert (tmp_path / "liste.csv").read_bytes() == b"".join(
        client_secretariat.get(URL_CSV).streaming_content
    )
    assert lire_xlsx((tmp_path / "liste.xlsx").read_bytes()) == lire_xlsx(b"".join(
        client_secretariat.get(URL_XLSX).streaming_content
    ))


def test_commande_erreurs_en_francais(liste):
    with pytest.raises(CommandError, match="Aucune antenne n'a le code « nulle-part »"):
        call_command("exporter_liste_attente", "--antenne", "nulle-part")
    with pytest.raises(CommandError, match="précisez --sortie"):
        call_command("exporter_liste_attente", "--antenne", "perpignan", "--format", "xlsx")


def test_xlsx_entete_figee_filtre_automatique_et_largeurs(client_secretariat, liste):
    reponse = client_secretariat.get(URL_XLSX)
    contenu = b"".join(reponse.streaming_content)
    feuille = load_workbook(io.BytesIO(contenu)).active

    assert reponse["Content-Disposition"] == (
        f'attachment; filename="liste-attente-perpignan-{liste:%Y-%m-%d}.xlsx"'
    )
    assert feuille.freeze_panes == "A2"
    assert feuille.auto_filter.ref == "A1:W4"  # the titles and the 3 waiting rows
    largeurs = {titre: feuille.column_dimensions[chr(ord("A") + i)].width
                for i, titre in enumerate(COLONNES)}
    for titre, largeur in largeurs.items():
        assert largeur >= len(titre), titre
    assert largeurs["Cadre"] > len("Peine de stage (C. pén. 131-5-1)")
    assert largeurs["Prescripteur"] > len("Parquet de Perpignan")
    # Another reader finds the same cells.
    lues = CalamineWorkbook.from_filelike(io.BytesIO(contenu)).get_sheet_by_index(0).to_python()
    assert [tuple(ligne[:3]) for ligne in lues] == [
        ("Rang", "Nom", "Prénom"), (1, "Benali", "Karim"), (2, "Lefèvre", "Éloïse"),
        (3, "Garcia", "Théo"),
    ]
    assert lues[2][COLONNES.index("Date de naissance")] == date(1985, 4, 12)


def test_xlsx_texte_long_et_caracteres_de_controle(client_secretariat, antenne):
    personne = creer_personne(antenne, nom="Nom\x07sonore", prenom="P" * 90)
    creer_orientation(antenne, personne=personne)

    feuille = load_workbook(io.BytesIO(b"".join(
        client_secretariat.get(URL_XLSX).streaming_content
    ))).active

    assert [cellule.value for cellule in feuille[2]][1:3] == ["Nomsonore", "P" * 90]
    assert 60 <= feuille.column_dimensions["C"].width < 61  # bounded (xlsxwriter pads a little)


@pytest.mark.parametrize(("url", "extension"), [(URL_CSV, "csv"), (URL_XLSX, "xlsx")])
def test_nom_du_fichier_filtre_le_dit(client_secretariat, liste, url, extension):
    filtree = client_secretariat.get(url, {"sexe": Sexe.FEMME})
    entiere = client_secretariat.get(url, {"sexe": "", "page": "3"})

    assert filtree["Content-Disposition"] == (
        f'attachment; filename="liste-attente-perpignan-filtree-{liste:%Y-%m-%d}.{extension}"'
    )
    assert entiere["Content-Disposition"] == (
        f'attachment; filename="liste-attente-perpignan-{liste:%Y-%m-%d}.{extension}"'
    )

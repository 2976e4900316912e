"""Same person, same orientation: one rule each (`stages.identite`), for the form, the service
and the import."""

import html

import pytest
from django.urls import reverse

from stages.identite import reference_comparable
from stages.imports import import_analyser, import_executer
from stages.models import Cadre, Orientation
from stages.services import OrientationEnDouble, orientation_creer
from tests.factories import creer_orientation, creer_personne, creer_prescripteur
from tests.stages.test_import import LIGNE, en_csv, en_xlsx, ligne
from tests.stages.test_orientation_formulaires import saisie_creation

URL_NOUVELLE = reverse("orientation_nouvelle")


@pytest.fixture
def parquet(antenne):
    return creer_prescripteur(antenne, nom="Parquet de Perpignan")


@pytest.mark.parametrize(("une", "autre"), [
    ("000123", "123"), ("PQ-2026-00123", "pq 2026 123"), ("PQ 1", "pq-1"), ("", ""),
])
def test_meme_reference(une, autre):
    assert reference_comparable(une) == reference_comparable(autre)


@pytest.mark.parametrize(("une", "autre"), [("123", "1230"), ("PQ-1", "PQ-10"), ("A-1", "B-1")])
def test_autre_reference(une, autre):
    assert reference_comparable(une) != reference_comparable(autre)


def test_fiche_saisie_une_seconde_fois_refusee_avec_un_lien(client_secretariat, parquet):
    client_secretariat.post(URL_NOUVELLE, saisie_creation(parquet))
    premiere = Orientation.objects.get()

    # The same fiche typed again (a new form), the known person taken up again.
    reponse = client_secretariat.post(URL_NOUVELLE, saisie_creation(
        parquet, personne_existante=premiere.personne_id, reference="pv 2026 1",
    ))

    assert reponse.status_code == 200
    contenu = html.unescape(reponse.content.decode())
    assert ("Cette personne a déjà cette orientation (Alternative aux poursuites (CPP 41-1), "
            "orientée le 10/09/2026, référence « PV-2026-001 ») : elle n'a pas été créée une "
            "seconde fois.") in contenu
    assert f'href="{reverse("orientation", args=[premiere.pk])}"' in contenu
    assert Orientation.objects.count() == 1


def test_service_refuse_la_meme_orientation_par_tout_chemin(antenne, parquet):
    personne = creer_personne(antenne)
    deja = creer_orientation(antenne, personne=personne, prescripteur=parquet, reference="000123")

    with pytest.raises(OrientationEnDouble) as refus:
        orientation_creer(personne=personne, orientation=Orientation(
            cadre=deja.cadre, prescripteur=parquet, reference="123",
            date_orientation=deja.date_orientation, date_decision=deja.date_decision,
        ), cle_creation="autre-cle")
    assert refus.value.orientation == deja
    # Another date, cadre or référence is another orientation.
    orientation_creer(personne=personne, orientation=Orientation(
        cadre=Cadre.COMPOSITION, prescripteur=parquet, reference="123",
        date_orientation=deja.date_orientation, date_decision=deja.date_decision,
    ))
    assert personne.orientations.count() == 2


def test_reference_relue_comme_un_nombre_n_est_pas_reimportee(antenne, parquet):
    """LibreOffice turned the export's '000123' into the number 123."""
    import_executer(antenne=antenne, contenu=en_csv(ligne(Référence="000123")),
                    nom_fichier="liste.csv")
    titres = list(LIGNE)
    rangee = [123 if titre == "Référence" else valeur for titre, valeur in LIGNE.items()]

    analyse = import_executer(antenne=antenne, contenu=en_xlsx(titres, rangee),
                              nom_fichier="resauve.xlsx")

    assert (analyse.a_creer, analyse.nb_deja_importees) == ([], 1)
    assert Orientation.objects.get().reference == "000123"


def test_meme_orientation_deux_fois_dans_le_fichier(antenne, parquet):
    analyse = import_analyser(antenne=antenne, contenu=en_csv(
        ligne(Référence="PQ-0001"), ligne(Nom="MARTIN", Référence="pq 1"),
    ), nom_fichier="liste.csv")
    assert [erreur.message for erreur in analyse.erreurs] == [
        "Même personne, date d'orientation, cadre et référence qu'à la ligne 2 : ligne en double."
    ]


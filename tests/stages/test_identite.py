"""Same person, same orientation: one rule each (`stages.identite`), for the form, the service
and the import."""

import html
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stages.identite import reference_comparable
from stages.imports import import_analyser, import_executer
from stages.models import Cadre, Orientation
from stages.services import OrientationEnDouble, orientation_creer
from stages.views.imports import CLE_SESSION
from tests.factories import creer_orientation, creer_personne
from tests.stages.test_import import LIGNE, en_csv, en_xlsx, ligne
from tests.stages.test_orientation_formulaires import saisie_creation

URL_NOUVELLE = reverse("stages:orientation_nouvelle")
URL_IMPORT, URL_CONFIRMER = reverse("stages:import_orientations"), reverse("stages:import_confirmer")


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
    assert f'href="{reverse("stages:orientation", args=[premiere.pk])}"' in contenu
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



@pytest.fixture
def connue(antenne):
    return creer_personne(antenne, nom="Martin", prenom="Léo", sexe="M",
                          date_naissance=date(1985, 7, 14), telephone="+33611111111",
                          email="leo.martin@exemple.fr", adresse="")


def test_coordonnees_differentes_d_une_personne_connue_listees(antenne, parquet, connue):
    contenu = en_csv(ligne(Téléphone="07 81 22 22 22", E_mail="LEO.MARTIN@exemple.fr",
                           Sexe="Femme"))
    analyse = import_analyser(antenne=antenne, contenu=contenu, nom_fichier="liste.csv")

    assert [(d.ligne, d.titre, d.enregistree, d.du_fichier) for d in analyse.differences] == [
        (2, "Sexe", "Homme", "Femme"), (2, "Téléphone", "06 11 11 11 11", "07 81 22 22 22"),
    ]  # the same e-mail, written in capitals: no difference
    assert ("Ligne 2 : MARTIN Léo, personne déjà connue : téléphone « 07 81 22 22 22 » dans le "
            "fichier, « 06 11 11 11 11 » enregistré (gardé).") in analyse.rapport()


def test_apercu_fait_choisir_et_la_valeur_du_fichier_garde_son_historique(
    client_secretariat, secretariat, parquet, connue,
):
    fichier = SimpleUploadedFile("liste.csv", en_csv(ligne(Téléphone="07 81 22 22 22", Sexe="F")))
    reponse = client_secretariat.post(URL_IMPORT, {"fichier": fichier})
    page = reponse.content.decode()
    assert 'name="reprendre-2-telephone" id="reprendre-2-telephone-garder" value="garder" checked' in page
    assert "Prendre « 07 81 22 22 22 » (fichier)" in page

    client_secretariat.post(URL_CONFIRMER, {
        "jeton": client_secretariat.session[CLE_SESSION]["jeton"],
        "reprendre-2-telephone": "fichier", "reprendre-2-sexe": "garder",
    })

    connue.refresh_from_db()
    assert (connue.telephone, connue.sexe, connue.orientations.count()) == ("+33781222222", "M", 1)
    derniere = connue.history.first()
    assert (derniere.history_user, derniere.history_change_reason) == (
        secretariat, "Import « liste.csv » : valeur du fichier"
    )
    assert derniere.prev_record.telephone == "+33611111111"

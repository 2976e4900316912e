"""The Prescripteurs screen in the browser: filter, merge with its confirmation, import of an
unknown name mapped to an existing prescripteur; accessible at each step."""

from playwright.sync_api import expect

from stages.models import Orientation, Prescripteur
from tests.e2e.conftest import violations_graves


def test_filtrer_puis_fusionner_deux_fiches(demo, connecter, live_server):
    delegues = Prescripteur.objects.get(nom="Délégués du procureur de Perpignan")
    doublon = Prescripteur.objects.create(
        antenne=delegues.antenne, nom="Délégué du procureur - Perpignan", type="delegue",
    )
    page = connecter("responsable")
    page.get_by_role("link", name="Prescripteurs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prescripteurs de l'antenne")
    assert violations_graves(page) == []

    page.get_by_label("Rechercher").fill("procureur")  # htmx, without submitting
    expect(page.locator("#liste tbody tr")).to_have_count(2)
    page.get_by_role("link", name=doublon.nom).click()
    assert violations_graves(page) == []

    page.get_by_role("link", name="Fusionner avec un doublon").click()
    page.get_by_label("L'autre prescripteur").select_option(label=delegues.nom)
    page.get_by_label("L'autre : celui-ci lui est fusionné").check()
    page.get_by_label("Motif de la fusion").fill("Même service sous deux noms")
    assert violations_graves(page) == []
    page.get_by_role("button", name="Vérifier la fusion").click()
    expect(page.get_by_role("heading", name="Confirmer la fusion")).to_be_visible()
    assert Prescripteur.objects.get(pk=doublon.pk).actif  # nothing before the confirmation
    assert violations_graves(page) == []

    page.get_by_role("button", name="Confirmer la fusion").click()
    expect(page.get_by_role("status")).to_contain_text("est fusionné dans")
    expect(page.get_by_role("heading", level=1)).to_have_text(delegues.nom)
    assert not Prescripteur.objects.get(pk=doublon.pk).actif


def test_import_nom_inconnu_choisi_parmi_les_prescripteurs(demo, connecter, live_server, tmp_path):
    fichier = tmp_path / "liste.csv"
    fichier.write_text(
        "Nom;Prénom;Sexe;Date de naissance;Prescripteur;Cadre;Date d'orientation;Date de décision\n"
        "Zéphyr;Léon;H;14/07/1985;Délégué du procureur - Perpignan;41-1;02/03/2026;20/02/2026\n",
        encoding="utf-8",
    )
    page = connecter("responsable")
    page.goto(f"{live_server.url}/orientations/import/")
    page.get_by_label("Fichier à importer").set_input_files(str(fichier))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator(".import__introuvables")).to_contain_text(
        "Nom proche : « Délégués du procureur de Perpignan »"
    )
    assert violations_graves(page) == []

    page.get_by_label("ou c'est le prescripteur :").select_option(
        label="Délégués du procureur de Perpignan"
    )
    page.get_by_role("button", name="Appliquer ces choix et vérifier à nouveau").click()
    page.get_by_role("button", name="Confirmer l'import de 1 orientation").click()
    expect(page.locator("#suivi-import")).to_contain_text("1 orientation importée")
    importee = Orientation.objects.get(personne__nom="Zéphyr")
    assert importee.prescripteur.nom == "Délégués du procureur de Perpignan"

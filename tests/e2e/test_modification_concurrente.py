"""Two staff members edit the same orientation in two browsers: the second one to save the
same field is told, next to the field, what her colleague saved; saving again keeps hers."""

from playwright.sync_api import expect

from stages.models import Orientation, Statut
from tests.e2e.conftest import violations_graves


def test_meme_champ_modifie_dans_deux_navigateurs(demo, connecter, browser, live_server):
    orientation = Orientation.objects.filter(
        antenne__code="perpignan", statut=Statut.EN_ATTENTE
    ).order_by("pk").first()
    adresse = f"{live_server.url}/orientations/{orientation.pk}/modifier/"
    sophie = connecter("secretariat")  # Carcassonne first: she moves to Perpignan
    sophie.get_by_label("Antenne", exact=True).select_option(label="Antenne de Perpignan")
    sophie.get_by_role("button", name="Changer").click()
    expect(sophie.get_by_role("status")).to_contain_text("Antenne de Perpignan")
    sophie.goto(adresse)
    contexte = browser.new_context()
    rachid = connecter("responsable", onglet=contexte.new_page())
    rachid.goto(adresse)

    rachid.get_by_label("Observations").fill("Appel du SPIP :\nstage non mixte souhaité")
    rachid.get_by_role("button", name="Enregistrer les modifications").click()
    expect(rachid.locator("#messages")).to_contain_text("Modifications enregistrées.")
    sophie.get_by_label("Observations").fill("Ne répond pas le matin")
    sophie.get_by_label("Téléphone").fill("06 11 22 33 44")
    sophie.get_by_role("button", name="Enregistrer les modifications").click()

    expect(sophie.locator("#id_observations_error")).to_have_text(
        "Modifié entre-temps par un collègue : la valeur enregistrée est maintenant "
        "« Appel du SPIP :\nstage non mixte souhaité ». Vérifiez, puis enregistrez à nouveau "
        "pour garder la vôtre."
    )
    assert violations_graves(sophie) == []
    orientation.refresh_from_db()
    assert orientation.observations == "Appel du SPIP :\r\nstage non mixte souhaité"
    assert orientation.personne.telephone != "+33611223344"  # nothing half saved

    sophie.get_by_role("button", name="Enregistrer les modifications").click()
    expect(sophie.locator("#messages")).to_contain_text("Modifications enregistrées.")
    orientation.refresh_from_db()
    assert orientation.observations == "Ne répond pas le matin"
    assert orientation.personne.telephone == "+33611223344"
    contexte.close()

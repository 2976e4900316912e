from django.utils import timezone
from playwright.sync_api import expect

from stages.dates import date_longue
from tests.e2e.conftest import violations_graves


def test_connexion_demo_puis_accueil_accessible(demo, connecter, live_server):
    page = connecter("responsable")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour Rachid")
    expect(page.locator(".entete")).to_contain_text("Antenne de Perpignan")
    expect(page.locator(".entete")).to_contain_text("Responsable d'antenne")
    # Today's French long date, e.g. "mardi 1er décembre 2026".
    expect(page.locator(".date-du-jour")).to_have_text(
        f"Nous sommes le {date_longue(timezone.localdate())}."
    )
    assert violations_graves(page) == []


def test_mauvais_mot_de_passe_message_francais(demo, connecter):
    page = connecter("responsable", "pas-le-bon")
    expect(page.get_by_role("alert")).to_contain_text(
        "Saisissez un nom d’utilisateur et un mot de passe valides"
    )
    assert violations_graves(page) == []


def test_changer_d_antenne(demo, connecter):
    page = connecter("secretariat")
    page.get_by_label("Antenne", exact=True).select_option(label="Antenne de Perpignan")
    page.get_by_role("button", name="Changer").click()
    expect(page.get_by_role("status")).to_contain_text("Antenne en cours : Antenne de Perpignan")

"""A stage planned on a tablet (800×1280, portrait) from the antenne's usual format: the first
date is proposed, « Préparer les séances » fills them in, « Créer le stage » saves it."""

import re

from playwright.sync_api import expect

from stages.models import Stage
from tests.e2e.conftest import violations_graves


def test_creer_un_stage_de_deux_jours_en_deux_clics(demo, connecter, live_server, page):
    page.set_viewport_size({"width": 800, "height": 1280})
    avant = set(Stage.objects.values_list("pk", flat=True))
    connecter("responsable")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Stages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stages")
    assert violations_graves(page) == []
    page.get_by_role("link", name="Nouveau stage").click()
    expect(page.get_by_label("2 jours consécutifs", exact=True)).to_be_checked()
    premier_jour = page.get_by_label("Premier jour").input_value()

    page.get_by_role("button", name="Préparer les séances").click()  # 1
    expect(page.locator("fieldset.seance-saisie legend", has_text=re.compile(r"^Séance \d"))).to_have_count(2)
    lieu = page.get_by_role("textbox", name="Lieu", exact=True)
    expect(lieu).to_have_value("Maison des associations")  # the last stage's
    assert violations_graves(page) == []
    page.get_by_role("button", name="Créer le stage").click()  # 2

    expect(page.get_by_role("status")).to_contain_text("créé")
    stage = Stage.objects.exclude(pk__in=avant).get()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(stage))
    jours = list(stage.seances.values_list("date", flat=True))
    assert len(jours) == 2 and jours[0].strftime("%d/%m/%Y") == premier_jour
    assert (jours[1] - jours[0]).days in (1, 2)  # the next working day
    expect(page.locator(".stage__seances tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 800  # no sideways scrolling
    assert violations_graves(page) == []

    page.get_by_role("link", name="Modifier les séances").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Séances du stage")
    assert violations_graves(page) == []
    page.goto(f"{live_server.url}/stages/")
    page.get_by_role("link", name="Vue du mois").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Séances de ")
    assert violations_graves(page) == []

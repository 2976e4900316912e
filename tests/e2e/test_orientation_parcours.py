"""A secretariat's journey in the browser: a new orientation, its rank in the waiting list,
its page, an extended deadline in the timeline; the duplicate check and the quick add of a
prescripteur with htmx; no serious accessibility violation on the pages."""

import re
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from playwright.sync_api import expect

from stages.dates import ajouter_mois
from stages.models import Antenne, Orientation, Personne, Statut
from tests.e2e.conftest import violations_graves
from tests.factories import creer_personne


def _rang_attendu(orientation: Orientation) -> int:
    """Urgent first, then by date d'orientation, then id: counted here, not by the app."""
    avant = Orientation.objects.filter(
        antenne=orientation.antenne, statut=Statut.EN_ATTENTE, urgent=True,
    ).filter(
        Q(date_orientation__lt=orientation.date_orientation)
        | Q(date_orientation=orientation.date_orientation, pk__lt=orientation.pk)
    )
    return avant.count() + 1


def test_nouvelle_orientation_urgente_classee_filtree_puis_prolongee(demo, connecter, live_server):
    aujourd_hui = timezone.localdate()
    page = connecter("secretariat")
    page.get_by_role("link", name="Liste d'attente").first.click()
    page.get_by_role("link", name="Nouvelle orientation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle orientation")
    assert violations_graves(page) == []

    page.locator("#id_nom").fill("Zérane")
    page.locator("#id_prenom").fill("Éloïse")
    page.locator("#id_date_naissance").fill("1990-02-03")
    page.locator("#id_sexe").select_option(label="Femme")
    page.locator("#id_telephone").fill("06 12 34 56 78")
    page.locator("#id_cadre").select_option(label="Alternative aux poursuites (CPP 41-1)")
    page.locator("#id_prescripteur").select_option(index=1)
    page.locator("#id_reference").fill("PV-E2E-1")
    page.locator("#id_date_orientation").fill((aujourd_hui - timedelta(days=2)).isoformat())
    decision = aujourd_hui - timedelta(days=20)
    page.locator("#id_date_decision").fill(decision.isoformat())
    page.locator("#id_urgent").check()
    page.locator("#id_motif_urgence").fill("Réorientation après un report")
    page.get_by_role("button", name="Enregistrer l'orientation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ZÉRANE Éloïse")
    expect(page.locator("#messages")).to_contain_text("Orientation de ZÉRANE Éloïse enregistrée")
    expect(page.locator(".fiche")).to_contain_text(["06 12 34 56 78"])
    assert violations_graves(page) == []

    orientation = Orientation.objects.get(reference="PV-E2E-1")
    assert orientation.echeance == ajouter_mois(decision, 6)
    page.get_by_role("link", name="Liste d'attente").first.click()
    ligne = page.locator("tbody tr", has=page.get_by_role("link", name="ZÉRANE Éloïse"))
    expect(ligne.locator("td").first).to_have_text(str(_rang_attendu(orientation)))
    premiere_non_urgente = page.locator("tbody tr", has_not=page.locator(".badge--critique")).first
    assert ligne.bounding_box()["y"] < premiere_non_urgente.bounding_box()["y"]

    page.get_by_label("Rechercher").fill("zerane")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=zerane"))
    page.get_by_role("link", name="ZÉRANE Éloïse").click()

    page.get_by_text("Prolonger l'échéance (accord du prescripteur)").click()
    nouvelle = ajouter_mois(orientation.echeance, 3)
    page.get_by_label("Nouvelle échéance").fill(nouvelle.isoformat())
    page.get_by_label("Motif de la prolongation").fill("Deux reports demandés")
    page.get_by_label("Accord du prescripteur").fill("Mme Roux, parquet, courriel du 20/11")
    page.get_by_role("button", name="Prolonger l'échéance").click()

    expect(page.locator("#messages")).to_contain_text("Échéance prolongée")
    historique = page.locator(".chronologie__evenement").first
    expect(historique).to_contain_text("Sophie Garcia")
    expect(historique).to_contain_text("Motif : Échéance prolongée : Deux reports demandés")
    expect(historique.locator("li", has_text="Échéance")).to_have_text(re.compile(
        rf"Échéance :\s+avant {orientation.echeance:%d/%m/%Y}\s+→, après {nouvelle:%d/%m/%Y}"
    ))
    expect(page.locator(".orientation__etiquettes")).to_contain_text("Prolongée")
    assert violations_graves(page) == []


def test_erreurs_en_francais_puis_doublon_repris_et_prescripteur_ajoute(
    demo, connecter, live_server
):
    page = connecter("secretariat")
    antenne = Antenne.objects.get(code="carcassonne")
    connue = creer_personne(antenne, nom="Durand", prenom="Éloïse", sexe="F",
                            date_naissance=date(1990, 2, 3))
    page.goto(f"{live_server.url}/orientations/nouvelle/")

    page.get_by_role("button", name="Enregistrer l'orientation").click()
    expect(page.get_by_role("alert")).to_contain_text("L'orientation n'est pas enregistrée")
    expect(page.locator("#id_cadre_error")).to_have_text("Ce champ est obligatoire.")
    assert violations_graves(page) == []

    page.locator("#id_nom").fill("DURAND")
    page.locator("#id_prenom").fill("eloise")
    page.locator("#id_date_naissance").fill("1990-02-03")
    page.locator("#id_date_naissance").blur()
    reprise = page.get_by_label(re.compile("Reprendre cette personne : DURAND Éloïse"))
    expect(reprise).to_be_visible()
    reprise.check()

    page.get_by_role("link", name="Ajouter un prescripteur absent de la liste").click()
    page.locator("#id_prescripteur-nom").fill("SPIP antenne de Limoux")
    page.locator("#id_prescripteur-type").select_option(label="SPIP (CPIP)")
    page.get_by_role("button", name="Ajouter ce prescripteur").click()
    expect(page.locator("#champ-prescripteur")).to_contain_text("ajouté et sélectionné")
    expect(page.locator("#id_prescripteur option:checked")).to_have_text("SPIP antenne de Limoux")
    assert violations_graves(page) == []

    aujourd_hui = timezone.localdate()
    page.locator("#id_cadre").select_option(label="Sursis probatoire (C. pén. 132-45)")
    page.locator("#id_date_orientation").fill(aujourd_hui.isoformat())
    page.locator("#id_date_decision").fill((aujourd_hui - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Enregistrer l'orientation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("DURAND Éloïse")
    creee = Orientation.objects.get(prescripteur__nom="SPIP antenne de Limoux")
    assert creee.personne == connue
    assert Personne.objects.filter(nom_normalise="durand", prenom_normalise="eloise").count() == 1

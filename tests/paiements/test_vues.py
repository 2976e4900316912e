"""The payments pages through the test client: record (double click included), cancel,
receipts read back from their PDF, sum due, follow-up with its exports, fee settings; every
bad input answered in French next to its field, nothing saved."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from paiements.models import Paiement, Recu, Regime, SommeDue, Tarif
from paiements.services import paiement_annuler, sommes_dues_au_stage
from stages.models import Role
from tests.commun.lecture import texte_poppler
from tests.factories import (
    creer_orientation,
    creer_paiement,
    creer_stage,
    creer_tarif,
    creer_utilisateur,
    dans_l_antenne,
)

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _versement(antenne, **champs) -> dict:
    return {"date": "01/12/2026", "montant": "120", "mode": "especes", "numero_cheque": "", "banque": "",
            "cle": champs.pop("cle", "cle-1"), **dans_l_antenne(antenne), **champs}


@pytest.fixture
def orientation(antenne):
    return creer_orientation(antenne)


def test_enregistrer_un_versement_puis_le_double_clic_ne_compte_qu_une_fois(client_secretariat, antenne,
                                                                              orientation):
    adresse = reverse("paiements:enregistrer", args=[orientation.pk])
    premiere = client_secretariat.post(adresse, _versement(antenne), follow=True)
    seconde = client_secretariat.post(adresse, _versement(antenne), follow=True)

    annee = timezone.localdate().year
    assert f"Paiement enregistré : reçu n° R-{annee}-PER-0001." in premiere.content.decode()
    assert "il ne l&#x27;a pas été une seconde fois" in seconde.content.decode()
    assert Paiement.objects.count() == 1 and Recu.objects.count() == 1
    assert f"80,00{NBSP}€" in seconde.content.decode()  # what is left


@pytest.mark.parametrize(("champs", "champ", "message"), [
    ({"montant": "0"}, "montant", "Le montant doit être supérieur à zéro."),
    ({"montant": "-10"}, "montant", "Le montant doit être supérieur à zéro."),
    ({"montant": "10,555"}, "montant", "deux décimales"),
    ({"montant": "douze"}, "montant", "Saisissez un montant en euros"),
    ({"montant": "500"}, "montant", "450,00 €"),
    ({"montant": "250"}, None, "dépasse ce qui est dû"),
    ({"mode": "cheque", "banque": "La Poste"}, "numero_cheque", "Un chèque s'enregistre avec son numéro."),
    ({"date": "31/02/2026"}, "date", "Le 31 février n'existe pas."),
    ({"date": "01/01/2099"}, "date", "jour à venir"),
])
def test_mauvaise_saisie_refusee_en_francais_rien_d_enregistre(client_secretariat, antenne, orientation,
                                                                champs, champ, message):
    reponse = client_secretariat.post(reverse("paiements:enregistrer", args=[orientation.pk]),
                                      _versement(antenne, **champs))

    assert reponse.status_code == 200
    form = reponse.context["form"]
    erreurs = form.errors.get(champ or "__all__") or form.errors.get("montant")
    assert any(message in e for e in erreurs), form.errors
    assert message.replace("'", "&#x27;") in reponse.content.decode()
    assert not Paiement.objects.exists() and not Recu.objects.exists()


def test_le_recu_se_relit_montant_en_chiffres_et_en_lettres(client_secretariat, antenne, secretariat,
                                                             orientation):
    antenne.signataire = "Marie Durand"
    antenne.save()
    paiement = creer_paiement(orientation, "75.50", par=secretariat, mode="cheque", numero_cheque="0001234",
                              banque="Banque Populaire", jour=date(2026, 12, 1))
    recu = paiement.recus.get()

    reponse = client_secretariat.get(reverse("paiements:recu", args=[recu.pk]))

    assert reponse["Content-Type"] == "application/pdf"
    texte = " ".join(texte_poppler(reponse.content).split())
    assert f"Reçu n° {recu.numero}" in texte
    assert "75,50 € (soixante-quinze euros et cinquante centimes)" in texte
    assert "Chèque n° 0001234, Banque Populaire" in texte
    assert "mardi 1er décembre 2026" in texte
    assert "Reste à payer : 124,50 € (cent vingt-quatre euros et cinquante centimes)" in texte
    assert orientation.personne.nom.upper() in texte and "Marie Durand" in texte
    assert "ANNULÉ" not in texte


def test_annuler_avec_motif_le_premier_recu_affiche_annule(client_secretariat, antenne, secretariat,
                                                            orientation):
    paiement = creer_paiement(orientation, "50", par=secretariat)
    adresse = reverse("paiements:annuler", args=[paiement.pk])
    assert "Annuler le paiement" in client_secretariat.get(adresse).content.decode()

    sans_motif = client_secretariat.post(adresse, dans_l_antenne(antenne))
    assert "Indiquez le motif de l&#x27;annulation." in sans_motif.content.decode()
    reponse = client_secretariat.post(adresse, {"motif": "Erreur de personne", **dans_l_antenne(antenne)},
                                      follow=True)

    annulation = Recu.objects.get(nature="annulation")
    assert f"Paiement annulé : reçu d&#x27;annulation n° {annulation.numero}." in reponse.content.decode()
    premier = " ".join(texte_poppler(client_secretariat.get(
        reverse("paiements:recu", args=[paiement.recus.get(nature="paiement").pk])).content).split())
    assert "ANNULÉ" in premier and annulation.numero in premier and "Erreur de personne" in premier
    second = " ".join(texte_poppler(client_secretariat.get(
        reverse("paiements:recu", args=[annulation.pk])).content).split())
    assert f"Reçu d'annulation n° {annulation.numero}" in second
    assert f"Annule le reçu n° {paiement.recus.get(nature='paiement').numero}" in second
    # A second cancellation is refused with a message, nothing more issued.
    encore = client_secretariat.post(adresse, {"motif": "encore", **dans_l_antenne(antenne)}, follow=True)
    assert "Ce paiement est déjà annulé." in encore.content.decode()
    assert Recu.objects.count() == 2


def test_changer_la_somme_due_tarif_reduit(client_secretariat, antenne, orientation):
    tarif = creer_tarif(antenne, tranches={"RSA": Decimal("50")})
    adresse = reverse("paiements:somme_due", args=[orientation.pk])
    donnees = {"regime": "reduit", "tranche": tarif.tranches.get().pk, "justification": "",
               "motif_gratuite": "", "motif": "Ressources", **dans_l_antenne(antenne)}

    refus = client_secretariat.post(adresse, donnees)
    assert "Un tarif réduit demande le justificatif vu" in refus.content.decode()
    assert not SommeDue.objects.filter(regime=Regime.REDUIT).exists()

    client_secretariat.post(adresse, donnees | {"justification": "Attestation CAF"})
    somme = SommeDue.objects.get(orientation=orientation)
    assert (somme.regime, somme.montant) == (Regime.REDUIT, Decimal("50"))


def test_encart_de_l_orientation_et_page_des_paiements(client_secretariat, antenne, orientation,
                                                        django_assert_max_num_queries):
    for montant in ("20", "30"):
        creer_paiement(orientation, montant)
    fiche = client_secretariat.get(reverse("stages:orientation", args=[orientation.pk])).content.decode()
    assert f"déjà payé : 50,00{NBSP}€" in fiche and f"reste à payer : <strong>150,00{NBSP}€" in fiche

    with django_assert_max_num_queries(12):
        page = client_secretariat.get(reverse("paiements:orientation", args=[orientation.pk]))
    assert page.content.decode().count("R-") >= 2


def test_page_du_stage_qui_doit_quoi(client_secretariat, antenne):
    stage = creer_stage(antenne, tarif=Decimal("180"))
    a, b = creer_orientation(antenne), creer_orientation(antenne)
    sommes_dues_au_stage(orientations=[a, b], stage=stage)
    creer_paiement(b, "180")
    creer_paiement(a, "30")

    page = client_secretariat.get(reverse("stages:stage", args=[stage.pk])).content.decode()
    assert f"Tarif du stage : 180,00{NBSP}€." in page
    assert f"1 personne doit encore 150,00{NBSP}€." in page
    soldes = client_secretariat.get(reverse("paiements:stage_soldes", args=[stage.pk]),
                                    headers={"HX-Request": "true"}).content.decode()
    assert str(a.personne) in soldes and str(b.personne) not in soldes
    assert "<html" not in soldes


def test_l_animateur_voit_le_tarif_du_stage_mais_pas_qui_doit(client, antenne):
    stage = creer_stage(antenne)
    orientation = creer_orientation(antenne)
    sommes_dues_au_stage(orientations=[orientation], stage=stage)
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne)
    stage.animateurs.add(animateur.membres.get())
    client.force_login(animateur)

    page = client.get(reverse("stages:stage", args=[stage.pk])).content.decode()
    assert f"Tarif du stage : 200,00{NBSP}€ (tarif de l'antenne)." in page
    assert "doit encore" not in page
    assert client.get(reverse("paiements:stage_soldes", args=[stage.pk])).status_code == 403


def _periode_de_mars(antenne):
    a, b = creer_orientation(antenne), creer_orientation(antenne)
    creer_paiement(a, "100", jour=date(2026, 3, 2))
    creer_paiement(b, "60", mode="cheque", numero_cheque="77", banque="CIC", jour=date(2026, 3, 30))
    annule = creer_paiement(b, "40", mode="virement", jour=date(2026, 3, 10))
    paiement_annuler(paiement=annule, motif="Virement rejeté", par=None)
    return {"du": "01/03/2026", "au": "31/03/2026"}


def test_suivi_totaux_par_mode_et_exports(client_secretariat, antenne, django_assert_max_num_queries):
    periode = _periode_de_mars(antenne)

    with django_assert_max_num_queries(13):
        reponse = client_secretariat.get(reverse("paiements:suivi"), periode)
    totaux = {t.mode: (t.nombre, t.total) for t in reponse.context["totaux"]}
    assert totaux["especes"] == (1, Decimal("100")) and totaux["cheque"] == (1, Decimal("60"))
    assert totaux["virement"] == (0, 0)
    assert reponse.context["total"] == Decimal("160")
    assert reponse.context["total_soldes"] == Decimal("240")

    contenu = b"".join(client_secretariat.get(reverse("paiements:suivi_csv"), periode).streaming_content)
    lignes = list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:2] == ["Date", "Reçu"] and len(lignes) == 4
    assert ["oui", "Virement rejeté"] in [ligne[9:11] for ligne in lignes]

    classeur = load_workbook(io.BytesIO(client_secretariat.get(reverse("paiements:suivi_xlsx"), periode)
                                        .getvalue()), read_only=True)
    assert len(list(classeur.active.iter_rows(values_only=True))) == 4


def test_suivi_periode_illisible_dit_pourquoi(client_secretariat):
    reponse = client_secretariat.get(reverse("paiements:suivi"), {"du": "31/02/2026", "au": "01/03/2026"})
    assert "Le 31 février n&#x27;existe pas." in reponse.content.decode()


@pytest.mark.parametrize(("standard", "message"), [("451", "450,00 €"), ("-1", "ne peut pas être négatif")])
def test_reglages_plafond_legal(client, antenne, standard, message):
    client.force_login(creer_utilisateur(Role.RESPONSABLE, antenne))
    donnees = {"standard": standard, "instructions": "Chèque à l'ordre de l'antenne",
               "tranches-TOTAL_FORMS": "1", "tranches-INITIAL_FORMS": "0",
               "tranches-0-libelle": "RSA", "tranches-0-montant": "999", "tranches-0-active": "on",
               **dans_l_antenne(antenne)}
    reponse = client.post(reverse("paiements:reglages"), donnees)
    contenu = reponse.content.decode()
    assert message in contenu and contenu.count("450,00 €") >= 1
    assert not Tarif.objects.exists()

    client.post(reverse("paiements:reglages"), donnees | {"standard": "230", "tranches-0-montant": "60"})
    tarif = Tarif.objects.get(antenne=antenne)
    assert tarif.standard == Decimal("230") and tarif.tranches.get().montant == Decimal("60")


def test_la_proposition_montre_la_somme_due_et_le_deja_paye(client_secretariat, antenne):
    from datetime import timedelta

    jour = timezone.localdate() + timedelta(days=30)
    stage = creer_stage(antenne, jours=(jour, jour + timedelta(days=1)), tarif=Decimal("230"))
    deja_venue = creer_orientation(antenne, date_orientation=date(2026, 9, 1))
    creer_paiement(deja_venue, "40")  # its sum due is set (the antenne's fee) by this payment
    nouvelle = creer_orientation(antenne, date_orientation=date(2026, 9, 2))

    reponse = client_secretariat.get(reverse("convocations:proposition", args=[stage.pk]))
    page = reponse.content.decode()
    assert reponse.status_code == 200 and str(nouvelle.personne) in page
    assert f"200,00{NBSP}€<br><small>payé 40,00{NBSP}€</small>" in page
    assert f"230,00{NBSP}€</td>" in page  # not set yet: the stage's fee


def test_echeancier_en_retard_et_plafonne_a_la_somme_due(client_secretariat, antenne, orientation):
    adresse = reverse("paiements:echeance_ajouter", args=[orientation.pk])
    for jour, montant in (("01/10/2026", "100"), ("01/11/2026", "100")):
        client_secretariat.post(adresse, {"date": jour, "montant": montant, **dans_l_antenne(antenne)})
    trop = client_secretariat.post(adresse, {"date": "01/12/2026", "montant": "10",
                                             **dans_l_antenne(antenne)})
    assert "L&#x27;échéancier dépasserait la somme due" in trop.content.decode()
    creer_paiement(orientation, "120", jour=date(2026, 10, 1))

    page = client_secretariat.get(reverse("paiements:orientation", args=[orientation.pk]))
    lignes = page.context["echeancier"]
    assert [(ligne.cumul, ligne.en_retard) for ligne in lignes] == [(Decimal("100"), False),
                                                                    (Decimal("200"), True)]
    suivi = client_secretariat.get(reverse("paiements:suivi"), {"du": "01/01/2026", "au": "01/12/2026"})
    assert [(e["date"], e["cumul"], e["paye"]) for e in suivi.context["retards"]] == [
        (date(2026, 11, 1), Decimal("200"), Decimal("120"))]

    effacer = reverse("paiements:echeancier_effacer", args=[orientation.pk])
    assert "Cochez la case pour confirmer." in client_secretariat.post(
        effacer, dans_l_antenne(antenne)).content.decode()
    client_secretariat.post(effacer, {"confirmation": "on", **dans_l_antenne(antenne)})
    assert not orientation.echeances_paiement.exists()

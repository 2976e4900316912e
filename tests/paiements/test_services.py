"""The rules of the payments through their services: the sum due, payments with their
numbered receipts, cancellation, and every bad input refused in French, nothing saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from paiements import selectors
from paiements.models import NatureRecu, Paiement, Recu, Regime, SommeDue, Tarif, TrancheReduite
from paiements.montants import montant, montant_en_lettres
from paiements.services import (
    numero_suivant,
    paiement_annuler,
    prefixe_de,
    somme_due_fixer,
    sommes_dues_au_stage,
)
from stages.models import Cadre
from tests.factories import creer_orientation, creer_paiement, creer_stage, creer_tarif

pytestmark = pytest.mark.django_db


def test_montants_en_chiffres_et_en_lettres():
    assert montant(Decimal("1200")) == "1\u00a0200,00\u00a0€"
    assert montant_en_lettres(Decimal("200")) == "deux cents euros"
    assert montant_en_lettres(Decimal("75.50")) == "soixante-quinze euros et cinquante centimes"
    assert montant_en_lettres(Decimal("1.01")) == "un euro et un centime"
    assert montant_en_lettres(Decimal("0.80")) == "quatre-vingts centimes"
    assert montant_en_lettres(Decimal("0")) == "zéro euro"
    assert montant_en_lettres(Decimal("450")) == "quatre cent cinquante euros"


def test_le_tarif_par_defaut_et_celui_du_stage(antenne):
    stage = creer_stage(antenne)
    assert selectors.tarif_du_stage(stage) == Decimal("200")
    creer_tarif(antenne, standard=Decimal("230"))
    antenne.refresh_from_db()
    stage.refresh_from_db()
    assert selectors.tarif_du_stage(stage) == Decimal("230")
    stage.tarif = Decimal("180")
    assert selectors.tarif_du_stage(stage) == Decimal("180")


@pytest.mark.parametrize("valeur", ["450.01", "1000", "-1"])
def test_plafond_legal_du_tarif_dans_le_modele(antenne, valeur):
    tarif = Tarif(antenne=antenne, standard=Decimal(valeur))
    with pytest.raises(ValidationError) as refus:
        tarif.full_clean()
    assert "standard" in refus.value.message_dict
    # The database refuses it too, whatever path writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Tarif.objects.create(antenne=antenne, standard=Decimal(valeur))


def test_plafond_legal_d_une_tranche(antenne):
    tarif = creer_tarif(antenne)
    with pytest.raises(ValidationError, match="450,00"):
        TrancheReduite(tarif=tarif, libelle="RSA", montant=Decimal("451")).full_clean()


def test_somme_due_par_defaut_standard_ou_gratuite_pour_un_volontaire(antenne):
    orientation = creer_orientation(antenne)
    volontaire = creer_orientation(antenne, cadre=Cadre.VOLONTAIRE)
    assert selectors.solde_de(orientation).du == Decimal("200")
    solde = selectors.solde_de(volontaire)
    assert (solde.du, solde.gratuit, solde.reste) == (Decimal(0), True, Decimal(0))


def test_la_convocation_fixe_la_somme_due_au_tarif_du_stage(antenne):
    orientation = creer_orientation(antenne)
    stage = creer_stage(antenne, tarif=Decimal("240"))
    sommes_dues_au_stage(orientations=[orientation], stage=stage)
    somme = SommeDue.objects.get(orientation=orientation)
    assert (somme.montant, somme.stage, somme.regime) == (Decimal("240"), stage, Regime.STANDARD)
    assert somme.history.first().history_change_reason == f"Convoquée au {stage}"


def test_tarif_reduit_avec_justificatif_et_motif_dans_l_historique(antenne):
    tarif = creer_tarif(antenne, tranches={"RSA": Decimal("50")})
    orientation = creer_orientation(antenne)
    somme = somme_due_fixer(orientation=orientation, regime=Regime.REDUIT, tranche=tarif.tranches.get(),
                            justification="Attestation CAF du 02/11/2026", motif="Bénéficiaire du RSA")
    assert somme.montant == Decimal("50")
    assert somme.history.first().history_change_reason == "Bénéficiaire du RSA"
    # The reduced sum stays when the person is then convoked.
    sommes_dues_au_stage(orientations=[orientation], stage=creer_stage(antenne))
    assert SommeDue.objects.get(orientation=orientation).montant == Decimal("50")


def test_tarif_reduit_sans_justificatif_refuse(antenne):
    tarif = creer_tarif(antenne, tranches={"RSA": Decimal("50")})
    orientation = creer_orientation(antenne)
    with pytest.raises(ValidationError) as refus:
        somme_due_fixer(orientation=orientation, regime=Regime.REDUIT, tranche=tarif.tranches.get(),
                        justification=" ", motif="RSA")
    assert refus.value.message_dict["justification"] == [
        "Un tarif réduit demande le justificatif vu (pièce présentée)."]
    assert not SommeDue.objects.filter(orientation=orientation, regime=Regime.REDUIT).exists()


def test_gratuit_sur_decision_de_la_juridiction(antenne):
    orientation = creer_orientation(antenne)
    somme = somme_due_fixer(orientation=orientation, regime=Regime.GRATUIT, motif_gratuite="juridiction",
                            motif="Jugement du 3/11 : stage aux frais de l'État")
    assert somme.montant == 0
    with pytest.raises(ValidationError, match="pourquoi le stage est gratuit"):
        somme_due_fixer(orientation=orientation, regime=Regime.GRATUIT, motif="sans motif de gratuité")


def test_deux_versements_recus_numerotes_et_solde(antenne, secretariat):
    orientation = creer_orientation(antenne)
    premier = creer_paiement(orientation, "120", par=secretariat)
    second = creer_paiement(orientation, "80", par=secretariat, mode="cheque", numero_cheque="1234567",
                            banque="Crédit Agricole")
    annee = timezone.localdate().year
    recus = list(Recu.objects.order_by("rang"))
    assert [r.numero for r in recus] == [f"R-{annee}-PER-0001", f"R-{annee}-PER-0002"]
    assert [r.paiement for r in recus] == [premier, second]
    assert [(r.somme_due, r.total_paye, r.reste) for r in recus] == [
        (Decimal("200"), Decimal("120"), Decimal("80")), (Decimal("200"), Decimal("200"), Decimal("0"))]
    assert selectors.solde_de(orientation).solde


def test_versement_au_dela_du_reste_refuse(antenne):
    orientation = creer_orientation(antenne)
    creer_paiement(orientation, "150")
    with pytest.raises(ValidationError) as refus:
        creer_paiement(orientation, "60")
    assert refus.value.message_dict["montant"] == [
        "Ce versement de 60,00\u00a0€ dépasse ce qui est dû : il reste 50,00\u00a0€ à payer "
        "(somme due 200,00\u00a0€)."]
    assert Paiement.objects.count() == 1 and Recu.objects.count() == 1


def test_trop_percu_accepte_par_l_antenne_est_a_rembourser(antenne):
    creer_tarif(antenne, trop_percu_accepte=True)
    orientation = creer_orientation(antenne)
    paiement = creer_paiement(orientation, "250")
    assert paiement.trop_percu == Decimal("50")
    assert list(selectors.remboursements_dus(antenne).values_list("orientation", "a_rembourser")) == [
        (orientation.pk, Decimal("50"))]


@pytest.mark.parametrize(("valeur", "message"), [
    ("0", "supérieur à zéro"), ("-5", "supérieur à zéro"), ("12.345", "deux décimales"), ("460", "450,00"),
])
def test_montants_refuses(antenne, valeur, message):
    orientation = creer_orientation(antenne)
    with pytest.raises(ValidationError, match=message):
        creer_paiement(orientation, valeur)
    assert not Paiement.objects.exists() and not Recu.objects.exists()


def test_cheque_sans_numero_refuse(antenne):
    orientation = creer_orientation(antenne)
    with pytest.raises(ValidationError) as refus:
        creer_paiement(orientation, "50", mode="cheque", banque="La Poste")
    assert refus.value.message_dict == {"numero_cheque": ["Un chèque s'enregistre avec son numéro."]}


def test_double_envoi_du_meme_formulaire_un_seul_paiement(antenne):
    orientation = creer_orientation(antenne)
    premier = creer_paiement(orientation, "50", cle="formulaire-1")
    second = creer_paiement(orientation, "50", cle="formulaire-1")
    assert premier == second
    assert Paiement.objects.count() == 1 and Recu.objects.count() == 1


def test_annulation_emet_un_recu_d_annulation_et_libere_le_solde(antenne, secretariat):
    orientation = creer_orientation(antenne)
    paiement = creer_paiement(orientation, "200")
    recu = paiement_annuler(paiement=paiement, motif="Saisi sur la mauvaise personne", par=secretariat)
    paiement.refresh_from_db()
    assert paiement.annule and paiement.motif_annulation == "Saisi sur la mauvaise personne"
    assert (recu.nature, recu.rang, recu.total_paye) == (NatureRecu.ANNULATION, 2, Decimal(0))
    assert selectors.solde_de(orientation).reste == Decimal("200")
    with pytest.raises(ValidationError, match="déjà annulé"):
        paiement_annuler(paiement=paiement, motif="encore", par=secretariat)
    with pytest.raises(ValidationError, match="motif"):
        paiement_annuler(paiement=creer_paiement(orientation, "10"), motif=" ", par=secretariat)
    # Never deleted: both payments and their receipts stay.
    assert Paiement.objects.count() == 2 and Recu.objects.count() == 3


def test_numeros_par_antenne_et_par_annee(antenne, autre_antenne):
    assert [numero_suivant(antenne=antenne, annee=2026) for _ in range(3)] == [1, 2, 3]
    assert numero_suivant(antenne=autre_antenne, annee=2026) == 1
    assert numero_suivant(antenne=antenne, annee=2027) == 1
    assert (prefixe_de(antenne), prefixe_de(autre_antenne)) == ("PER", "MEN")


def test_l_attestation_attend_le_paiement_selon_l_antenne(antenne):
    orientation = creer_orientation(antenne)
    assert selectors.attestation_attend_paiement(antenne) is False
    assert selectors.reste_avant_attestation(orientation) == 0
    creer_tarif(antenne, attestation_attend_paiement=True)
    antenne.refresh_from_db()
    orientation = type(orientation).objects.get(pk=orientation.pk)
    assert selectors.reste_avant_attestation(orientation) == 200
    creer_paiement(orientation, "200")
    assert selectors.reste_avant_attestation(orientation) == 0


def test_totaux_par_mode_sur_une_periode(antenne, autre_antenne):
    a, b, c = (creer_orientation(antenne) for _ in range(3))
    creer_paiement(a, "100", mode="especes", jour=date(2026, 3, 1))
    creer_paiement(b, "60", mode="cheque", numero_cheque="1", banque="B", jour=date(2026, 3, 15))
    creer_paiement(c, "40.50", mode="cheque", numero_cheque="2", banque="B", jour=date(2026, 3, 31))
    annule = creer_paiement(a, "50", mode="cheque", numero_cheque="3", banque="B", jour=date(2026, 3, 20))
    paiement_annuler(paiement=annule, motif="erreur", par=None)
    creer_paiement(a, "10", mode="especes", jour=date(2026, 4, 1))  # after the period
    creer_paiement(creer_orientation(autre_antenne), "90", mode="especes", jour=date(2026, 3, 2))

    totaux = {t.mode: (t.nombre, t.total) for t in selectors.totaux_par_mode(antenne, date(2026, 3, 1),
                                                                               date(2026, 3, 31))}
    assert totaux["especes"] == (1, Decimal("100"))
    assert totaux["cheque"] == (2, Decimal("100.50"))
    assert totaux["virement"] == (0, Decimal(0))

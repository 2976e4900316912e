"""The demo data that `make run` loads, and the logins README.md gives."""

from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from stages.models import (
    Antenne,
    Cadre,
    EtatEcheance,
    FormatStage,
    Membre,
    Orientation,
    Personne,
    Prescripteur,
    Role,
    Stage,
    Statut,
    StatutStage,
    TypePrescripteur,
    TypeStage,
)
from tests.factories import creer_antenne

MOT_DE_PASSE_DU_README = "demo-stages-2026"
COMPTES = ["admin", "coordination", "responsable", "secretariat", "animateur",
           "secretariat.mende"]


@pytest.fixture
def demo(db):
    """Loaded as `make run` loads it."""
    call_command("donnees_demo", "--si-vide")


def test_antennes_prescripteurs_et_un_compte_par_role(demo):
    assert Antenne.objects.count() == 6
    for antenne in Antenne.objects.all():
        types = set(Prescripteur.objects.filter(antenne=antenne).values_list("type", flat=True))
        assert types == set(TypePrescripteur.values), antenne.nom
    assert set(Membre.objects.values_list("role", flat=True)) == set(Role.values)
    assert sorted(Membre.objects.filter(user__username="secretariat").values_list(
        "antenne__code", flat=True)) == ["carcassonne", "perpignan"]
    assert list(get_user_model().objects.filter(is_superuser=True).values_list(
        "username", flat=True)) == ["admin"]


def test_liste_d_attente_de_perpignan_variee_et_historisee(demo):
    """About 200 waiting in Perpignan (DOMAIN.md: 87 at year end, 198 orientations a year),
    with every case the screens show; every row has its history."""
    aujourd_hui = timezone.localdate()
    perpignan = Orientation.objects.filter(antenne__code="perpignan")
    attente = perpignan.filter(statut=Statut.EN_ATTENTE)
    etats = Counter(o.etat_echeance(aujourd_hui) for o in attente)

    # About 200 on the list, some of them already convoked to the upcoming stages.
    assert perpignan.filter(statut__in=[Statut.EN_ATTENTE, Statut.CONVOQUEE]).count() == 200
    assert 100 < attente.count() < 200
    assert 0 < attente.filter(urgent=True).count() < 40
    assert all(etats[etat] > 0 for etat in EtatEcheance), etats
    assert attente.filter(type_stage=TypeStage.FEMMES).exists()
    assert attente.filter(cadre=Cadre.VOLONTAIRE, prescripteur=None).exists()
    assert attente.exclude(accord_prolongation="").exists()
    assert attente.filter(nb_reports__gt=0).exists()
    assert set(perpignan.exclude(statut=Statut.EN_ATTENTE).values_list("statut", flat=True)) == {
        Statut.CONVOQUEE, Statut.TRANSFEREE, Statut.ANNULEE
    }
    for modele in (Personne, Orientation, Prescripteur):
        ids = set(modele.objects.values_list("pk", flat=True))
        assert ids and set(modele.history.values_list("id", flat=True)) == ids, modele


def test_chaque_compte_se_connecte_avec_le_mot_de_passe_du_readme(demo, client):
    for username in COMPTES:
        reponse = client.post(
            reverse("connexion"), {"username": username, "password": MOT_DE_PASSE_DU_README}
        )
        assert reponse.status_code == 302, username
        assert client.get(reverse("stages:accueil")).status_code == 200, username
        client.logout()


def test_les_personnes_de_la_demo_se_trouvent_par_leur_nom(demo, client):
    """Created in bulk (no save()): their normalised names and search words are written too."""
    personne = Personne.objects.filter(antenne__code="perpignan").order_by("pk").last()
    client.force_login(get_user_model().objects.get(username="responsable"))

    recherche = f"{personne.prenom[:3]} {personne.nom}"
    reponse = client.get(reverse("stages:liste_attente"), {"q": recherche, "statut": "tous"})

    assert personne.nom_normalise and personne.prenom_normalise
    trouvees = {ligne.pk for ligne in reponse.context["lignes"]}
    assert personne.orientations.filter(pk__in=trouvees).exists()


def test_le_readme_donne_ces_comptes():
    readme = (Path(__file__).parent.parent / "README.md").read_text()

    assert MOT_DE_PASSE_DU_README in readme
    assert [compte for compte in COMPTES if f"`{compte}`" not in readme] == []


def test_si_vide_ne_touche_pas_une_base_remplie(db, capsys):
    creer_antenne()

    call_command("donnees_demo", "--si-vide")

    assert Antenne.objects.count() == 1
    assert not get_user_model().objects.exists()
    assert "Base déjà remplie" in capsys.readouterr().out


def test_sans_si_vide_une_base_remplie_est_refusee(db):
    creer_antenne()

    with pytest.raises(CommandError, match="La base contient déjà des antennes"):
        call_command("donnees_demo")


def test_refusee_quand_les_reglages_l_interdisent(db, settings):
    settings.DEMO_AUTORISEE = False

    with pytest.raises(CommandError, match="interdites avec ces réglages"):
        call_command("donnees_demo")
    assert not Antenne.objects.exists()


def test_stages_passes_en_cours_et_a_venir_a_perpignan_et_mende(demo):
    aujourd_hui = timezone.localdate()
    for code in ("perpignan", "mende"):
        stages = Stage.objects.filter(antenne__code=code)
        assert stages.filter(dernier_jour__lt=aujourd_hui, statut=StatutStage.CLOS).exists(), code
        assert stages.filter(premier_jour__lte=aujourd_hui, dernier_jour__gte=aujourd_hui,
                             statut=StatutStage.EN_COURS).exists(), code
        assert stages.filter(premier_jour__gt=aujourd_hui, statut=StatutStage.PLANIFIE).exists(), code
        assert all(s.history.exists() and s.seances.exists() for s in stages), code
    perpignan = Stage.objects.filter(antenne__code="perpignan")
    assert perpignan.filter(statut=StatutStage.ANNULE).exclude(motif_annulation="").exists()
    assert perpignan.exclude(justification_duree="").exists()  # the « 2 fois 7 heures »
    assert perpignan.filter(type_stage=TypeStage.FEMMES).exists()
    assert Antenne.objects.get(code="mende").format_stage == FormatStage.SEPT_HEBDOMADAIRES


def test_l_animateur_de_la_demo_voit_ses_prochaines_seances(demo, client):
    client.force_login(get_user_model().objects.get(username="animateur"))

    contenu = client.get(reverse("stages:accueil")).content.decode()

    assert "Vos prochaines séances" in contenu and "Maison des associations" in contenu

"""The kiosk through its pages: opened by an animateur (their session closed), answers taken
once each and no more than the people present, nothing of the staff or of an earlier answer
reachable, left with the password."""

import uuid
from html import unescape

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires.models import Passation, Reponse, Valeur
from questionnaires.services import questionnaire_actuel
from tests.factories import creer_stage, dans_l_antenne
from tests.questionnaires.conftest import MOT_DE_PASSE

KIOSQUE = reverse("questionnaires:kiosque")


def ouvrir(client, animateur, stage, nb_presents=3):
    client.force_login(animateur)
    return client.post(reverse("questionnaires:stage_kiosque", args=[stage.pk]),
                       {"nb_presents": nb_presents, **dans_l_antenne(stage.antenne)})


def jeton_du_formulaire(client) -> str:
    reponse = client.get(KIOSQUE)
    return reponse.context["form"]["jeton"].value()


def reponses_completes(questionnaire, jeton) -> dict:
    """Every question answered with its first option ("Tout à fait d'accord", "Oui"...)."""
    donnees = {"jeton": jeton}
    for question in questionnaire.questions.all():
        donnees[f"q{question.pk}"] = "texte" if question.type == "texte" else "0"
    return donnees


@pytest.fixture
def kiosque(client, animateur, stage_du_jour):
    reponse = ouvrir(client, animateur, stage_du_jour)
    assert reponse.status_code == 302 and reponse["Location"] == KIOSQUE
    return Passation.objects.get(stage=stage_du_jour)


def test_ouvrir_le_kiosque_ferme_la_session_du_personnel(client, kiosque, stage_du_jour):
    assert "_auth_user_id" not in client.session
    assert client.session["kiosque"] == kiosque.jeton
    assert kiosque.nb_presents == 3 and kiosque.jour == timezone.localdate()

    page = client.get(KIOSQUE)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "Les séances étaient-elles animées et vivantes ?" in page.content.decode()
    # A staff page typed in: the login page, nothing of the stage.
    for adresse in (reverse("stages:stage", args=[stage_du_jour.pk]), reverse("stages:liste_attente"),
                    reverse("questionnaires:stage_resultats", args=[stage_du_jour.pk])):
        reponse = client.get(adresse)
        assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("connexion"))


def test_une_reponse_est_enregistree_sans_personne_ni_heure(client, kiosque):
    questionnaire = kiosque.questionnaire
    reponse = client.post(KIOSQUE, reponses_completes(questionnaire, jeton_du_formulaire(client)))

    assert reponse.status_code == 302 and reponse["Location"] == reverse("questionnaires:merci")
    enregistree = Reponse.objects.get()
    assert enregistree.stage_id == kiosque.stage_id and enregistree.jour == timezone.localdate()
    assert {f.name for f in Reponse._meta.concrete_fields} == {"id", "stage", "questionnaire", "jour"}
    assert isinstance(enregistree.pk, uuid.UUID)
    assert sorted(Valeur.objects.values_list("valeur", flat=True)) == sorted(
        ["Tout à fait d'accord"] * 3 + ["Cadre de loi", "Oui", "Oui"])
    kiosque.refresh_from_db()
    assert kiosque.nb_reponses == 1
    merci = client.get(reverse("questionnaires:merci"))
    assert merci.status_code == 200 and "Merci" in merci.content.decode()
    assert "no-store" in merci["Cache-Control"]
    # The next participant's form shows nothing of the first answer.
    suivant = client.get(KIOSQUE).content.decode()
    assert "checked" not in suivant


def test_double_tap_et_rejeu_comptent_une_fois(client, kiosque):
    donnees = reponses_completes(kiosque.questionnaire, jeton_du_formulaire(client))
    premiere = client.post(KIOSQUE, donnees)
    seconde = client.post(KIOSQUE, donnees)

    assert premiere.status_code == 302 and seconde.status_code == 302
    assert Reponse.objects.count() == 1
    assert "déjà enregistrée" in client.get(KIOSQUE).content.decode()
    kiosque.refresh_from_db()
    assert kiosque.nb_reponses == 1


def test_un_jeton_non_signe_pour_ce_kiosque_est_refuse(client, kiosque):
    from django.core import signing

    for jeton in (str(uuid.uuid4()), signing.dumps(str(uuid.uuid4()), salt="questionnaires.kiosque:autre")):
        reponse = client.post(KIOSQUE, reponses_completes(kiosque.questionnaire, jeton))
        assert reponse.status_code == 200
        assert "Ce formulaire n'est plus valable" in unescape(reponse.content.decode())
        assert reponse.content.decode().count("checked") == 6  # the answers kept
    assert Reponse.objects.count() == 0


def test_pas_plus_de_reponses_que_de_presents(client, kiosque):
    for _ in range(3):
        client.post(KIOSQUE, reponses_completes(kiosque.questionnaire, jeton_du_formulaire(client)))
    assert Reponse.objects.count() == 3

    page = client.get(KIOSQUE)
    assert "Les 3 réponses attendues ont été reçues" in page.content.decode()
    assert "form" not in page.context or page.context.get("form") is None
    # A form opened before the last answer, sent after it: refused.
    kiosque.refresh_from_db()
    Passation.objects.filter(pk=kiosque.pk).update(nb_presents=4)
    jeton = jeton_du_formulaire(client)
    Passation.objects.filter(pk=kiosque.pk).update(nb_presents=3)
    refus = client.post(KIOSQUE, reponses_completes(kiosque.questionnaire, jeton))
    assert "Les 3 réponses attendues ont été reçues" in refus.content.decode()
    assert Reponse.objects.count() == 3


def test_une_reponse_de_plus_avec_le_mot_de_passe(client, kiosque):
    Passation.objects.filter(pk=kiosque.pk).update(nb_reponses=3)
    faux = client.post(reverse("questionnaires:ajouter"), {"mot_de_passe": "pas-le-bon-mot"})
    assert "Mot de passe incorrect." in faux.content.decode()
    kiosque.refresh_from_db()
    assert kiosque.nb_presents == 3

    bon = client.post(reverse("questionnaires:ajouter"), {"mot_de_passe": MOT_DE_PASSE})
    assert bon.status_code == 302
    kiosque.refresh_from_db()
    assert kiosque.nb_presents == 4
    client.post(KIOSQUE, reponses_completes(kiosque.questionnaire, jeton_du_formulaire(client)))
    assert Reponse.objects.count() == 1


def test_question_obligatoire_vide_message_et_reponses_gardees(client, kiosque):
    questionnaire = kiosque.questionnaire
    premiere, *autres = questionnaire.questions.all()
    premiere.obligatoire = True
    premiere.save()
    donnees = reponses_completes(questionnaire, jeton_du_formulaire(client))
    del donnees[f"q{premiere.pk}"]

    reponse = client.post(KIOSQUE, donnees)

    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "Cette question est obligatoire" in texte
    assert texte.count("checked") == len(autres)  # the other answers kept on screen
    assert Reponse.objects.count() == 0


def test_reponse_hors_des_choix_refusee(client, kiosque):
    questionnaire = kiosque.questionnaire
    donnees = reponses_completes(questionnaire, jeton_du_formulaire(client))
    donnees[f"q{questionnaire.questions.first().pk}"] = "7"
    reponse = client.post(KIOSQUE, donnees)
    assert reponse.status_code == 200
    assert "Choisissez une des réponses proposées." in reponse.content.decode()
    assert Reponse.objects.count() == 0


def test_kiosque_expire_le_lendemain(client, kiosque):
    Passation.objects.filter(pk=kiosque.pk).update(jour=timezone.localdate() - timezone.timedelta(days=1))
    page = client.get(KIOSQUE)
    assert "a expiré" in page.content.decode()
    refus = client.post(KIOSQUE, {"jeton": str(uuid.uuid4())})
    assert "a expiré" in refus.content.decode()
    assert Reponse.objects.count() == 0


def test_quitter_demande_le_mot_de_passe_et_reconnecte(client, kiosque, animateur):
    faux = client.post(reverse("questionnaires:quitter"), {"mot_de_passe": "mauvais-mot-de-passe"})
    assert faux.status_code == 200 and "Mot de passe incorrect." in faux.content.decode()
    assert client.get(KIOSQUE).status_code == 200

    bon = client.post(reverse("questionnaires:quitter"), {"mot_de_passe": MOT_DE_PASSE})
    assert bon.status_code == 302
    assert bon["Location"] == reverse("questionnaires:stage_resultats", args=[kiosque.stage_id])
    assert client.session["_auth_user_id"] == str(animateur.pk)
    assert "kiosque" not in client.session
    kiosque.refresh_from_db()
    assert kiosque.fermee_le is not None


def test_sans_session_de_kiosque_la_connexion(client):
    reponse = client.get(KIOSQUE)
    assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("connexion"))


def test_le_stage_d_une_autre_antenne_404(client, animateur, antenne, autre_antenne):
    autre = creer_stage(autre_antenne, jours=(timezone.localdate(),))
    client.force_login(animateur)
    adresse = reverse("questionnaires:stage_kiosque", args=[autre.pk])
    assert client.get(adresse).status_code == 404
    reponse = client.post(adresse, {"nb_presents": 3, **dans_l_antenne(antenne)})
    assert reponse.status_code == 404
    assert not Passation.objects.exists()


def test_un_stage_sans_seance_aujourd_hui_n_ouvre_pas(client, animateur, antenne):
    from stages.models import Membre

    stage = creer_stage(antenne)
    stage.animateurs.add(Membre.objects.get(user=animateur))
    reponse = ouvrir(client, animateur, stage)
    assert reponse.status_code == 200 and "pas de séance aujourd'hui" in reponse.content.decode()
    assert not Passation.objects.exists()


def test_le_nombre_de_presents_est_propose_par_l_emargement(client, animateur, stage_du_jour):
    from convocations.models import Presence, StatutPresence
    from tests.factories import creer_convocation, creer_orientation

    seance = stage_du_jour.seances.get()
    for statut in (StatutPresence.PRESENT, StatutPresence.RETARD, StatutPresence.ABSENT):
        convocation = creer_convocation(creer_orientation(stage_du_jour.antenne), stage_du_jour)
        Presence.objects.create(convocation=convocation, seance=seance, statut=statut,
                                marque_le=timezone.now())
    client.force_login(animateur)
    page = client.get(reverse("questionnaires:stage_kiosque", args=[stage_du_jour.pk]))
    assert page.context["form"]["nb_presents"].value() == 2


def test_rouvert_le_meme_jour_le_kiosque_continue_de_compter(client, animateur, kiosque, stage_du_jour):
    for _ in range(2):
        client.post(KIOSQUE, reponses_completes(kiosque.questionnaire, jeton_du_formulaire(client)))
    ouvrir(client, animateur, stage_du_jour, nb_presents=3)
    nouveau = Passation.objects.exclude(pk=kiosque.pk).get()
    assert nouveau.nb_reponses == 2 and nouveau.restantes == 1
    kiosque.refresh_from_db()
    assert kiosque.fermee_le is not None and kiosque.remplacee
    from questionnaires.selectors import resultats_du_stage

    assert resultats_du_stage(stage=stage_du_jour).nb_presents == 3  # the day's people, once


TEXTE = st.text(max_size=30) | st.sampled_from(["0", "1", "3", "-1", "99", "", "\x00", "Oui"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valeurs=st.lists(st.tuples(st.integers(0, 7), TEXTE), max_size=12),
       jeton=st.sampled_from(["emis", "aleatoire", "absent", "abime"]),
       long_texte=st.booleans())
def test_soumission_quelconque_jamais_de_500(client, kiosque, valeurs, jeton, long_texte):
    questions = list(kiosque.questionnaire.questions.all())
    Passation.objects.filter(pk=kiosque.pk).update(nb_presents=F("nb_reponses") + 1)  # one answer left
    emis = jeton_du_formulaire(client)
    donnees = {"jeton": {"emis": emis, "aleatoire": str(uuid.uuid4()), "abime": "x' OR 1=1"}.get(jeton, "")}
    for rang, valeur in valeurs:
        cle = f"q{questions[rang].pk}" if rang < len(questions) else f"q{rang * 1000}"
        donnees.setdefault(cle, [])
        donnees[cle].append(valeur)
    if long_texte:
        donnees[f"q{questions[0].pk}"] = "x" * 5000
    avant = Reponse.objects.count()

    reponse = client.post(KIOSQUE, donnees)

    assert reponse.status_code in (200, 302)
    apres = Reponse.objects.count()
    assert apres - avant in (0, 1)
    if apres > avant:
        assert reponse.status_code == 302 and jeton == "emis"
        rejeu = client.post(KIOSQUE, donnees)  # refused: already recorded, or the kiosk used up
        assert rejeu.status_code in (200, 302) and Reponse.objects.count() == apres
    kiosque.refresh_from_db()
    assert kiosque.nb_reponses == Reponse.objects.count()


def test_questionnaire_par_defaut_aux_six_questions(antenne):
    questionnaire = questionnaire_actuel(antenne=antenne)
    assert [q.type for q in questionnaire.questions.all()] == [
        "echelle", "echelle", "echelle", "choix_multiple", "oui_non", "oui_non"]
    assert questionnaire_actuel(antenne=antenne) == questionnaire

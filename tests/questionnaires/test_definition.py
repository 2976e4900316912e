"""The staff screen that defines the antenne's questionnaire."""

from django.urls import reverse

from questionnaires.models import Questionnaire
from questionnaires.services import QuestionSaisie, questionnaire_actuel, questionnaire_modifier
from stages.models import Role
from tests.factories import creer_stage, creer_utilisateur, dans_l_antenne
from tests.questionnaires.aides import repondre

ADRESSE = reverse("questionnaires:questionnaire")


def _formulaire(antenne, questions: list[dict], titre="Satisfaction") -> dict:
    donnees = {"titre": titre, "questions-TOTAL_FORMS": len(questions), "questions-INITIAL_FORMS": 0,
               **dans_l_antenne(antenne)}
    for rang, question in enumerate(questions):
        for cle, valeur in ({"longueur_max": 500, "ORDER": rang + 1} | question).items():
            donnees[f"questions-{rang}-{cle}"] = valeur
    return donnees


def test_la_page_montre_le_questionnaire_par_defaut(client_secretariat, antenne):
    page = client_secretariat.get(ADRESSE).content.decode()
    assert "Quel module avez-vous préféré ?" in page and "Version 1" in page


def test_enregistrer_sans_reponses_change_en_place(client_secretariat, antenne):
    client_secretariat.get(ADRESSE)
    reponse = client_secretariat.post(ADRESSE, _formulaire(antenne, [
        {"libelle": "Un mot ?", "type": "texte", "longueur_max": 300},
        {"libelle": "Recommanderiez-vous ce stage ?", "type": "oui_non", "obligatoire": "on", "ORDER": 0},
    ]))
    assert reponse.status_code == 302
    questionnaire = Questionnaire.objects.get(antenne=antenne)
    assert questionnaire.titre == "Satisfaction" and questionnaire.version == 1
    assert [(q.libelle, q.obligatoire, q.longueur_max) for q in questionnaire.questions.all()] == [
        ("Recommanderiez-vous ce stage ?", True, 500), ("Un mot ?", False, 300)]


def test_avec_des_reponses_une_nouvelle_version(client_secretariat, antenne, secretariat):
    repondre(creer_stage(antenne), secretariat, [{4: ["Oui"]}])
    formulaire = _formulaire(antenne, [{"libelle": "Un mot ?", "type": "texte"}])
    reponse = client_secretariat.post(ADRESSE, formulaire, follow=True)
    assert "version 2" in reponse.content.decode()
    assert list(Questionnaire.objects.filter(antenne=antenne).values_list("version", "actuel")) == [
        (2, True), (1, False)]


def test_un_double_clic_sur_enregistrer_ne_cree_qu_une_version(antenne, secretariat):
    """Two requests that both read version 1 (a double click): the second finds the version
    the first made and changes it, instead of a third version beside the second (a 500)."""
    repondre(creer_stage(antenne), secretariat, [{4: ["Oui"]}])
    lue_par_les_deux = questionnaire_actuel(antenne=antenne)
    saisie = [QuestionSaisie(libelle="Un mot ?", type="texte")]

    questionnaire_modifier(questionnaire=lue_par_les_deux, titre="Satisfaction", questions=saisie)
    questionnaire_modifier(questionnaire=lue_par_les_deux, titre="Satisfaction", questions=saisie)

    assert list(Questionnaire.objects.filter(antenne=antenne).values_list("version", "actuel")) == [
        (2, True), (1, False)]


def test_un_choix_sans_ses_choix_est_refuse_en_francais(client_secretariat, antenne):
    avant = questionnaire_actuel(antenne=antenne)
    reponse = client_secretariat.post(ADRESSE, _formulaire(antenne, [
        {"libelle": "Quel jour ?", "type": "choix_unique", "choix": "Lundi"}]))
    assert reponse.status_code == 200
    assert "Donnez au moins deux choix, un par ligne." in reponse.content.decode()
    assert avant.questions.count() == 6


def test_l_animateur_ne_definit_pas_le_questionnaire(client, antenne):
    client.force_login(creer_utilisateur(Role.ANIMATEUR, antenne))
    assert client.get(ADRESSE).status_code == 403

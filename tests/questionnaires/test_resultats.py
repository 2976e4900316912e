"""The results: counts per question against the people present, a server-drawn SVG chart per
question with its figures as text, free texts in random order; a stage of fewer than five
answers shown only pooled into its period; exports; versions keep their own questions."""

from datetime import date
from html import unescape
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from questionnaires.models import Question, Reponse, TypeQuestion
from questionnaires.selectors import resultats_de_la_periode, resultats_du_stage
from questionnaires.services import QuestionSaisie, questionnaire_actuel, questionnaire_modifier
from stages.models import Role
from tests.factories import creer_antenne, creer_stage, creer_utilisateur
from tests.questionnaires.aides import repondre

ACCORD, PLUTOT = "Tout à fait d'accord", "Plutôt d'accord"


def test_resultats_d_un_stage(antenne, secretariat):
    stage = creer_stage(antenne)
    repondre(stage, secretariat, [{0: [ACCORD], 3: ["Cadre de loi", "Le Parent"], 4: ["Oui"]}] * 4
             + [{0: [PLUTOT], 3: ["Le Parent"]}, {}])

    resultats = resultats_du_stage(stage=stage)

    assert (resultats.nb_reponses, resultats.nb_presents) == (6, 6)
    premiere, _, _, modules, vision, _ = resultats.questions
    assert [(b.libelle, b.nombre) for b in premiere.barres] == [
        (ACCORD, 4), (PLUTOT, 1), ("Plutôt pas d'accord", 0), ("Pas du tout d'accord", 0),
        ("Non renseigné", 1)]
    assert round(premiere.barres[0].part) == 67
    assert [(b.libelle, b.nombre) for b in modules.barres] == [
        ("Cadre de loi", 4), ("Identifier les violences vs conflits", 0),
        ("Identifier les stéréotypes hommes-femmes", 0), ("Le Parent", 5), ("Non renseigné", 1)]
    assert [(b.libelle, b.nombre) for b in vision.barres] == [("Oui", 4), ("Non", 0), ("Non renseigné", 2)]


def test_page_du_stage_un_svg_par_question_et_les_chiffres_en_texte(client_secretariat, antenne, secretariat,
                                                                    django_assert_max_num_queries):
    stage = creer_stage(antenne)
    repondre(stage, secretariat, [{0: [ACCORD], 4: ["Oui"]}] * 5)
    adresse = reverse("questionnaires:stage_resultats", args=[stage.pk])
    client_secretariat.get(adresse)
    with django_assert_max_num_queries(12):
        page = client_secretariat.get(adresse)
    texte = unescape(page.content.decode())
    assert texte.count("<svg") == 6
    assert "5 réponses</strong> pour 5 personnes présentes" in texte
    assert "Tout à fait d'accord : 5 (100\u00a0%)" in texte  # the chart's description
    assert '<th scope="row">Oui</th><td>5</td>' in texte


def test_moins_de_cinq_reponses_seulement_dans_la_periode(client_secretariat, antenne, secretariat):
    petit, grand = creer_stage(antenne), creer_stage(antenne)
    repondre(petit, secretariat, [{4: ["Non"]}] * 3)
    repondre(grand, secretariat, [{4: ["Oui"]}] * 4)

    page = client_secretariat.get(reverse("questionnaires:stage_resultats", args=[petit.pk])).content.decode()
    assert "<svg" not in page and "Moins de 5 réponses" in page
    assert "3 réponses</strong>" in page

    periode = resultats_de_la_periode(du=date(2000, 1, 1), au=timezone.localdate(), antenne=antenne)
    assert periode.nb_reponses == 7
    vision = periode.questions[4]
    assert [(b.libelle, b.nombre) for b in vision.barres] == [("Oui", 4), ("Non", 3)]
    page = client_secretariat.get(reverse("questionnaires:resultats")).content.decode()
    assert page.count("<svg") == 6
    assert "comptées dans la période seulement" in page


def test_un_petit_stage_seul_a_cote_d_un_grand_ne_se_lit_pas_par_difference(client_secretariat, antenne,
                                                                           secretariat):
    """5 « Oui » in one stage (shown on its own page), 1 « Non » in another: the period's detail
    less the first stage's would give the lone answer, so the period shows its counts only."""
    petit, grand = creer_stage(antenne), creer_stage(antenne)
    repondre(petit, secretariat, [{4: ["Non"]}])
    repondre(grand, secretariat, [{4: ["Oui"]}] * 5)

    periode = resultats_de_la_periode(du=date(2000, 1, 1), au=timezone.localdate(), antenne=antenne)
    assert (periode.nb_reponses, periode.assez, periode.questions) == (6, False, [])
    page = unescape(client_secretariat.get(reverse("questionnaires:resultats")).content.decode())
    assert "<svg" not in page and "se liraient en retranchant les autres" in page
    assert resultats_du_stage(stage=grand).assez


def test_textes_libres_sans_heure_en_ordre_aleatoire(antenne, secretariat):
    questionnaire = questionnaire_actuel(antenne=antenne)
    Question.objects.create(questionnaire=questionnaire, ordre=7, libelle="Un mot ?", type=TypeQuestion.TEXTE)
    stage = creer_stage(antenne)
    textes = [f"Texte numéro {n}" for n in range(12)]
    repondre(stage, secretariat, [{6: [t]} for t in textes])

    question = resultats_du_stage(stage=stage).questions[6]
    assert sorted(question.textes) == sorted(textes)
    assert question.textes != textes  # not the order they were typed in (1 chance in 12! otherwise)


def test_la_periode_ne_montre_que_l_antenne_et_la_coordination_toutes(client, antenne, secretariat):
    autre = creer_antenne(nom="Antenne de Nîmes")
    repondre(creer_stage(antenne), secretariat, [{4: ["Oui"]}] * 5)
    repondre(creer_stage(autre), secretariat, [{4: ["Non"]}] * 5)
    client.force_login(secretariat)
    periode = resultats_de_la_periode(du=date(2000, 1, 1), au=timezone.localdate(), antenne=antenne)
    assert periode.nb_reponses == 5
    page = client.get(reverse("questionnaires:resultats"), {"antenne": autre.pk}).content.decode()
    assert "5 réponses</strong>" in page and "Antenne de Nîmes" not in page

    client.force_login(creer_utilisateur(Role.COORDINATION))
    page = client.get(reverse("questionnaires:resultats")).content.decode()
    assert "10 réponses</strong>" in page and "Antenne de Nîmes" in page
    assert '<th scope="row">Oui</th><td>5</td><td>50 %</td>' in page  # the same question pooled


def test_periode_en_mois_entiers(client_secretariat, antenne, secretariat):
    stage = creer_stage(antenne)
    repondre(stage, secretariat, [{4: ["Oui"]}] * 5, jour=date(2025, 3, 31))
    avril_mai = resultats_de_la_periode(du=date(2025, 4, 1), au=date(2025, 5, 31), antenne=antenne)
    assert avril_mai.nb_reponses == 0
    mars = resultats_de_la_periode(du=date(2025, 3, 1), au=date(2025, 3, 31), antenne=antenne)
    assert (mars.nb_reponses, mars.nb_presents) == (5, 5)
    assert [(b.libelle, b.nombre) for b in mars.questions[4].barres] == [("Oui", 5), ("Non", 0)]
    page = client_secretariat.get(reverse("questionnaires:resultats"), {"du": "2025-02", "au": "2025-03"})
    assert "De février 2025 à mars 2025" in page.content.decode()
    assert "5 réponses</strong>" in page.content.decode()
    erreur = client_secretariat.get(reverse("questionnaires:resultats"), {"du": "n'importe quoi"})
    assert erreur.status_code == 200 and "Indiquez un mois (aaaa-mm)." in erreur.content.decode()


def test_exports_csv_et_xlsx(client_secretariat, antenne, secretariat):
    repondre(creer_stage(antenne), secretariat, [{4: ["Oui"]}] * 5)
    csv = b"".join(client_secretariat.get(reverse("questionnaires:export_csv")).streaming_content).decode()
    assert "Pensez-vous avoir modifié votre vision des violences intrafamiliales ?;Oui;5;100.0" in csv
    xlsx = client_secretariat.get(reverse("questionnaires:export_xlsx"))
    lignes = list(load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active.iter_rows(values_only=True))
    assert lignes[0] == ("Question", "Réponse", "Nombre", "Part (%)")
    assert ("Pensez-vous avoir modifié votre vision des violences intrafamiliales ?", "Oui", 5, 100) in lignes


def test_modifier_un_questionnaire_qui_a_des_reponses_cree_une_version(antenne, secretariat):
    stage = creer_stage(antenne)
    repondre(stage, secretariat, [{0: [ACCORD]}] * 5)
    ancien = questionnaire_actuel(antenne=antenne)

    nouveau = questionnaire_modifier(questionnaire=ancien, titre="Satisfaction", questions=[
        QuestionSaisie("Recommanderiez-vous ce stage ?", TypeQuestion.OUI_NON, obligatoire=True)])

    assert nouveau.pk != ancien.pk and nouveau.version == 2
    ancien.refresh_from_db()
    assert not ancien.actuel and ancien.questions.count() == 6
    assert questionnaire_actuel(antenne=antenne) == nouveau
    # The old answers read with their own questions.
    premiere = resultats_du_stage(stage=stage).questions[0]
    assert premiere.libelle == "Les séances étaient-elles animées et vivantes ?"
    # Without answers it is changed in place.
    encore = questionnaire_modifier(questionnaire=nouveau, titre="Satisfaction 2", questions=[
        QuestionSaisie("Un mot ?", TypeQuestion.TEXTE)])
    assert encore.pk == nouveau.pk and [q.libelle for q in encore.questions.all()] == ["Un mot ?"]
    assert Reponse.objects.count() == 5

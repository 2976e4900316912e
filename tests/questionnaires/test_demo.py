"""The questionnaires' part of the demo: answers on the closed stages, whose results show."""

from django.core.management import call_command
from django.urls import reverse

from questionnaires.models import Decompte, Reponse
from questionnaires.selectors import resultats_du_stage
from stages.models import Membre, Role, Stage, StatutStage


def test_la_demo_repond_aux_stages_clos(client, db):
    call_command("donnees_demo")

    clos = list(Stage.objects.filter(statut=StatutStage.CLOS))
    assert clos and Reponse.objects.count() >= 5 * len(clos)
    assert set(Reponse.objects.values_list("stage_id", flat=True)) == {s.pk for s in clos}
    assert all(resultats_du_stage(stage=s).assez for s in clos)
    assert Decompte.objects.exists()
    client.force_login(Membre.objects.filter(role=Role.RESPONSABLE).first().user)
    page = client.get(reverse("questionnaires:resultats"), {"du": "2000-01"}).content.decode()
    assert page.count("<svg") == 6

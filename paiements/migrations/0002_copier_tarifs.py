"""The antennes' fee moves from `Antenne.tarif_defaut` to `paiements.Tarif`, keeping its value
(stages 0021 then removes the old column)."""

from django.db import migrations


def copier(apps, schema_editor):
    Antenne = apps.get_model("stages", "Antenne")
    Tarif = apps.get_model("paiements", "Tarif")
    deja = set(Tarif.objects.values_list("antenne_id", flat=True))
    Tarif.objects.bulk_create([
        Tarif(antenne_id=pk, standard=tarif)
        for pk, tarif in Antenne.objects.values_list("pk", "tarif_defaut") if pk not in deja
    ])


def recopier(apps, schema_editor):
    Antenne = apps.get_model("stages", "Antenne")
    Tarif = apps.get_model("paiements", "Tarif")
    for tarif in Tarif.objects.all():
        Antenne.objects.filter(pk=tarif.antenne_id).update(tarif_defaut=tarif.standard)


class Migration(migrations.Migration):
    dependencies = [("paiements", "0001_initial")]

    operations = [migrations.RunPython(copier, recopier)]

# Landlines of Martinique (0596), Mayotte (0263, 0269) and Saint-Pierre-et-Miquelon (0508)
# were stored with the metropolitan code +33: each gets its territory's own (see
# stages.telephones), with a line in the person's history. New Caledonian and Wallis-et-Futuna
# numbers stored as +508 cannot be told from real Saint-Pierre-et-Miquelon ones: kept.

from itertools import batched

from django.db import migrations
from django.utils import timezone

from stages.telephones import NumeroInvalide, en_e164

RAISON = "Téléphone : indicatif de son territoire d'outre-mer"


def indicatif_du_territoire(apps, schema_editor):
    Personne = apps.get_model("stages", "Personne")
    Historique = apps.get_model("stages", "HistoricalPersonne")
    copies = [champ.attname for champ in Historique._meta.concrete_fields
              if not champ.name.startswith("history_")]
    maintenant = timezone.now()
    francais = Personne.objects.filter(telephone__startswith="+33").order_by("pk")
    for lot in batched(francais.iterator(chunk_size=2000), 2000):
        changees = []
        for personne in lot:
            try:
                telephone = en_e164(personne.telephone)
            except NumeroInvalide:
                continue
            if telephone != personne.telephone:
                personne.telephone = telephone
                changees.append(personne)
        Personne.objects.bulk_update(changees, ["telephone"])
        Historique.objects.bulk_create(
            Historique(**{nom: getattr(personne, nom) for nom in copies}, history_date=maintenant,
                       history_type="~", history_change_reason=RAISON)
            for personne in changees
        )


class Migration(migrations.Migration):

    dependencies = [
        ("stages", "0007_consultations"),
    ]

    operations = [
        migrations.RunPython(indicatif_du_territoire, migrations.RunPython.noop),
    ]

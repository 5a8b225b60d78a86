from django.db import migrations, models


def answered_from_categories(apps, schema_editor):
    """Old insatser recorded only the categories chosen, so a group with a category is the
    one thing known to be answered; a group without any stays unanswered ("Ej besvarat"),
    never turned into "Nej"."""
    Intervention = apps.get_model("funds", "Intervention")
    through = Intervention.categories.through
    groups: dict[int, set[str]] = {}
    for intervention_id, group in through.objects.values_list(
        "intervention_id", "surveycategory__group"
    ).iterator(chunk_size=2000):
        groups.setdefault(intervention_id, set()).add(group)
    batch = []
    for intervention in Intervention.objects.filter(pk__in=groups).only("pk").iterator(
        chunk_size=2000
    ):
        intervention.answered_groups = sorted(groups[intervention.pk])
        batch.append(intervention)
        if len(batch) >= 2000:
            Intervention.objects.bulk_update(batch, ["answered_groups"])
            batch = []
    if batch:
        Intervention.objects.bulk_update(batch, ["answered_groups"])


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0005_national_reference_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="intervention",
            name="answered_groups",
            field=models.JSONField(
                blank=True, default=list, verbose_name="besvarade frågegrupper"
            ),
        ),
        migrations.RunPython(answered_from_categories, migrations.RunPython.noop),
    ]

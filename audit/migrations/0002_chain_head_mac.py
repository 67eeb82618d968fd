from django.db import migrations, models


def seal_existing_head(apps, schema_editor):
    """Installations that already have a chain get their head sealed with the current key."""
    from audit.chain import head_mac

    for head in apps.get_model("audit", "ChainHead").objects.filter(links__gt=0):
        head.mac = head_mac(head.digest, head.links)
        head.save(update_fields=["mac"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="mac",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(seal_existing_head, migrations.RunPython.noop),
    ]

import hashlib
import hmac

from django.db import migrations, models


def seal_existing_head(apps, schema_editor):
    """Installations that already have a chain get their head sealed with the current key."""
    from audit.chain import key

    for head in apps.get_model("audit", "ChainHead").objects.filter(links__gt=0):
        # The seal as this migration wrote it; 0003 moves it to the format that covers the schemas.
        head.mac = hmac.new(key(), f"head|{head.digest}|{head.links}".encode(), hashlib.sha256).hexdigest()
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

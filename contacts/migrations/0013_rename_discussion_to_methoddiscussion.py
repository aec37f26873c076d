from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    """``Discussion`` is ``MethodDiscussion``: a discussion held with a programme's method. The
    table keeps its name (``contacts_discussion``), so neither operation touches the database."""

    dependencies = [
        ("contacts", "0012_contact_modified_by"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelTable(name="discussion", table="contacts_discussion"),
        migrations.RenameModel(old_name="Discussion", new_name="MethodDiscussion"),
    ]

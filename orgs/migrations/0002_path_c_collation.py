"""On PostgreSQL, compare org paths bytewise so `path LIKE 'prefix%'` uses the btree index.

SQLite compares bytewise already. core.fields.PathField turns path__startswith into a range that uses the index.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE orgs_orgunit ALTER COLUMN path TYPE varchar(255) COLLATE "C"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE orgs_orgunit ALTER COLUMN path TYPE varchar(255) COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

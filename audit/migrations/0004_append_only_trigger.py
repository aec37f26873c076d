"""On PostgreSQL the database itself keeps the logs append-only.

A trigger refuses DELETE, and any UPDATE except sealing a not-yet-sealed row (setting its
``seq``, ``previous_hash`` and ``row_hash`` and nothing else). SQLite installations rely on the
ORM guard and the hash chain (``manage.py verify_logs``).
"""

from django.db import migrations

TABLES = ("audit_accesslog", "audit_disclosurelog")
SEAL_COLUMNS = "ARRAY['seq', 'previous_hash', 'row_hash']"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION arki_append_only_log() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'append-only log %: rows cannot be deleted', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.seq IS NOT NULL
       OR (to_jsonb(NEW) - {SEAL_COLUMNS}) IS DISTINCT FROM (to_jsonb(OLD) - {SEAL_COLUMNS}) THEN
        RAISE EXCEPTION 'append-only log %: rows cannot be changed', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the % in RAISE is not a placeholder
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION arki_append_only_log()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS arki_append_only_log()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_log_hash_chain")]

    operations = [migrations.RunPython(install, remove)]

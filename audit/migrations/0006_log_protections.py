"""On PostgreSQL the database refuses every way of rewriting the logs that it can recognise.

* TRUNCATE of the logs, the chain heads and the checkpoint copies is refused (a statement
  trigger; it also fires when a TRUNCATE ... CASCADE reaches them).
* A log row must be inserted unsealed: a forger cannot pre-set ``seq`` and the hashes.
* Sealing (the one permitted UPDATE) must continue the chain: the sealed rows take the numbers
  right after the chain head, each ``previous_hash`` is the hash before it, and the trigger
  itself then moves the head. A forged seal either is refused or becomes part of the chain, where
  ``verify_logs`` reports its wrong hash; sealing never gets stuck.
* The chain head cannot be deleted, renamed or moved except by sealing, never backwards.
* The checkpoint copies (``LogCheckpoint``) are append-only.

Maintenance that must empty these tables (a test database's flush, the scale generator's reset)
runs with ``SET LOCAL session_replication_role = replica``, which only a superuser may set.
"""

import importlib

from django.db import migrations

LOGS = {"audit_accesslog": "audit.accesslog", "audit_disclosurelog": "audit.disclosurelog"}
GUARDED = (*LOGS, "audit_chainhead", "audit_logcheckpoint")
GENESIS = "0" * 64
SEAL_COLUMNS = "ARRAY['seq', 'previous_hash', 'row_hash']"
HASH = "'^[0-9a-f]{64}$'"

REFUSE = "USING ERRCODE = 'insufficient_privilege'"

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION arki_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only log table %: it cannot be truncated', TG_TABLE_NAME {REFUSE};
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION arki_log_insert() RETURNS trigger AS $$
BEGIN
    IF NEW.seq IS NOT NULL OR NEW.previous_hash <> '' OR NEW.row_hash <> '' THEN
        RAISE EXCEPTION 'append-only log %: rows are written unsealed', TG_TABLE_NAME {REFUSE};
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION arki_append_only_log() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'append-only log %: rows cannot be deleted', TG_TABLE_NAME {REFUSE};
    END IF;
    IF OLD.seq IS NOT NULL
       OR (to_jsonb(NEW) - {SEAL_COLUMNS}) IS DISTINCT FROM (to_jsonb(OLD) - {SEAL_COLUMNS}) THEN
        RAISE EXCEPTION 'append-only log %: rows cannot be changed', TG_TABLE_NAME {REFUSE};
    END IF;
    IF NEW.seq IS NULL OR NEW.previous_hash !~ {HASH} OR NEW.row_hash !~ {HASH} THEN
        RAISE EXCEPTION 'append-only log %: a seal sets the number and both hashes',
            TG_TABLE_NAME {REFUSE};
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION arki_log_sealed() RETURNS trigger AS $$
DECLARE
    head_seq bigint;
    head_hash text;
    sealed bigint;
    numbers bigint;
    low bigint;
    high bigint;
BEGIN
    SELECT count(*), count(DISTINCT seq), min(seq), max(seq)
        INTO sealed, numbers, low, high FROM sealed_rows;
    IF sealed = 0 THEN
        RETURN NULL;
    END IF;
    SELECT last_seq, last_hash INTO head_seq, head_hash
        FROM audit_chainhead WHERE log = TG_ARGV[0] FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'append-only log %: no chain head to seal onto', TG_TABLE_NAME {REFUSE};
    END IF;
    IF numbers <> sealed OR low <> head_seq + 1 OR high <> head_seq + sealed THEN
        RAISE EXCEPTION 'append-only log %: sealed rows must continue the chain after row %',
            TG_TABLE_NAME, head_seq {REFUSE};
    END IF;
    IF EXISTS (
        SELECT 1 FROM sealed_rows AS row
        LEFT JOIN sealed_rows AS before ON before.seq = row.seq - 1
        WHERE row.previous_hash IS DISTINCT FROM
            CASE WHEN row.seq = low THEN head_hash ELSE before.row_hash END
    ) THEN
        RAISE EXCEPTION 'append-only log %: a sealed row must carry the hash before it',
            TG_TABLE_NAME {REFUSE};
    END IF;
    UPDATE audit_chainhead
        SET last_seq = high, last_hash = (SELECT row_hash FROM sealed_rows WHERE seq = high)
        WHERE log = TG_ARGV[0];
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION arki_chain_head() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'chain head %: it cannot be deleted', OLD.log {REFUSE};
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.last_seq <> 0 OR NEW.last_hash <> '{GENESIS}' THEN
            RAISE EXCEPTION 'chain head %: a new chain starts empty', NEW.log {REFUSE};
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.log IS DISTINCT FROM OLD.log OR NEW.last_seq < OLD.last_seq THEN
        RAISE EXCEPTION 'chain head %: it cannot be renamed or moved back', OLD.log {REFUSE};
    END IF;
    -- Only the seal trigger (one level down) moves the head, together with the rows it sealed.
    IF (NEW.last_seq, NEW.last_hash) IS DISTINCT FROM (OLD.last_seq, OLD.last_hash)
       AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'chain head %: it moves only when rows are sealed', OLD.log {REFUSE};
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION arki_append_only_row() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: rows cannot be changed or deleted', TG_TABLE_NAME
        {REFUSE};
END
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)  # the % in RAISE is not a placeholder
    for table, label in LOGS.items():
        schema_editor.execute(
            f"CREATE TRIGGER {table}_insert_unsealed BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION arki_log_insert()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_sealed AFTER UPDATE ON {table} "
            "REFERENCING NEW TABLE AS sealed_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION arki_log_sealed('{label}')"
        )
    schema_editor.execute(
        "CREATE TRIGGER audit_chainhead_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_chainhead "
        "FOR EACH ROW EXECUTE FUNCTION arki_chain_head()"
    )
    schema_editor.execute(
        "CREATE TRIGGER audit_logcheckpoint_append_only BEFORE UPDATE OR DELETE "
        "ON audit_logcheckpoint FOR EACH ROW EXECUTE FUNCTION arki_append_only_row()"
    )
    for table in GUARDED:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION arki_refuse_truncate()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    for table in LOGS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_insert_unsealed ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_sealed ON {table}")
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_chainhead_guard ON audit_chainhead")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS audit_logcheckpoint_append_only ON audit_logcheckpoint"
    )
    for function in (
        "arki_refuse_truncate",
        "arki_log_insert",
        "arki_log_sealed",
        "arki_chain_head",
        "arki_append_only_row",
    ):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")
    # Back to 0004's row guard, without the check of the seal's values.
    previous = importlib.import_module("audit.migrations.0004_append_only_trigger")
    schema_editor.execute(previous.FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_logcheckpoint")]

    operations = [migrations.RunPython(install, remove)]

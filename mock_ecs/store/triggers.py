"""Triggers that keep ``instance_counts`` equal to the rows of ``instances``, and bump its
generation whenever an instance comes or goes (which makes page anchors stale).

Every way an instance is written (fixtures, the control plane, a reset, a benchmark's bulk
insert, another worker) goes through the ``instances`` table, so the database counts them
itself. Created with the schema (``METADATA.create_all``), idempotently.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from mock_ecs.store import tables

_SQLITE = [
    """
    CREATE TRIGGER IF NOT EXISTS instance_counts_insert AFTER INSERT ON instances
    BEGIN
        INSERT INTO instance_counts (account_id, region_id, count, generation)
        VALUES (NEW.account_id, NEW.region_id, 1, 1)
        ON CONFLICT (account_id, region_id)
        DO UPDATE SET count = count + 1, generation = generation + 1;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS instance_counts_delete AFTER DELETE ON instances
    BEGIN
        UPDATE instance_counts SET count = count - 1, generation = generation + 1
        WHERE account_id = OLD.account_id AND region_id = OLD.region_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS instance_counts_move
    AFTER UPDATE OF account_id, region_id ON instances
    WHEN OLD.account_id IS NOT NEW.account_id OR OLD.region_id IS NOT NEW.region_id
    BEGIN
        UPDATE instance_counts SET count = count - 1, generation = generation + 1
        WHERE account_id = OLD.account_id AND region_id = OLD.region_id;
        INSERT INTO instance_counts (account_id, region_id, count, generation)
        VALUES (NEW.account_id, NEW.region_id, 1, 1)
        ON CONFLICT (account_id, region_id)
        DO UPDATE SET count = count + 1, generation = generation + 1;
    END
    """,
]

_POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION mock_ecs_count_instances() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            UPDATE instance_counts SET count = count - 1, generation = generation + 1
            WHERE account_id = OLD.account_id AND region_id = OLD.region_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO instance_counts (account_id, region_id, count, generation)
            VALUES (NEW.account_id, NEW.region_id, 1, 1)
            ON CONFLICT (account_id, region_id) DO UPDATE
            SET count = instance_counts.count + 1, generation = instance_counts.generation + 1;
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER instance_counts_change
    AFTER INSERT OR DELETE OR UPDATE OF account_id, region_id ON instances
    FOR EACH ROW EXECUTE FUNCTION mock_ecs_count_instances()
    """,
]

for _dialect, _statements in (("sqlite", _SQLITE), ("postgresql", _POSTGRESQL)):
    for _statement in _statements:
        _ddl = DDL(_statement)  # type: ignore[no-untyped-call]
        event.listen(tables.METADATA, "after_create", _ddl.execute_if(dialect=_dialect))

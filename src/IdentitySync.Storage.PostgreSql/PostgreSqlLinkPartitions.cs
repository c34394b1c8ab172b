namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// Links live in one partition per association. An association's first links (every initial load) are
/// copied into its new partition before it has an index and before it is attached, then indexed (a sorted
/// build) and attached once, in the same transaction: nine million links inserted into an indexed table
/// one by one take minutes, loaded and indexed after take seconds. Only the new partition is locked, and
/// it is invisible to everyone else until the commit. "{s}" is the quoted schema name.
/// </summary>
internal static class PostgreSqlLinkPartitions
{
    /// <summary>Schema step 4: links partitioned by association, and the functions the writer calls to add a partition.</summary>
    /// <remarks>
    /// The functions run as their owner (the role that migrated the schema, which may create tables), so a
    /// runtime role without CREATE on the schema can add an association; they check that the session's role
    /// may add associations at all, so a reporting role cannot.
    /// </remarks>
    public static readonly string Create = """
        DROP VIEW {s}.link_keys;
        ALTER TABLE {s}.links RENAME TO links_v3;
        ALTER INDEX {s}.links_pkey RENAME TO links_v3_pkey;
        ALTER INDEX {s}.links_by_second RENAME TO links_v3_by_second;
        CREATE TABLE {s}.links (
            assoc_id integer NOT NULL,
            first_id bigint NOT NULL,
            second_id bigint NOT NULL,
            PRIMARY KEY (assoc_id, first_id, second_id)) PARTITION BY LIST (assoc_id);
        CREATE INDEX links_by_second ON {s}.links (assoc_id, second_id, first_id);
        DO $m$
        DECLARE
            a record;
        BEGIN
            FOR a IN SELECT id FROM {s}.associations LOOP
                EXECUTE format('CREATE TABLE {s}.%I PARTITION OF {s}.links FOR VALUES IN (%s)', 'links_' || a.id, a.id);
            END LOOP;
        END
        $m$;
        INSERT INTO {s}.links (assoc_id, first_id, second_id) SELECT assoc_id, first_id, second_id FROM {s}.links_v3;
        DROP TABLE {s}.links_v3;

        -- Refuses a session whose role may not do what a function about to act as the owner does for it.
        CREATE FUNCTION {s}.require_privilege(relation text, privilege text) RETURNS void
        LANGUAGE plpgsql STABLE AS $f$
        BEGIN
            IF NOT has_table_privilege(session_user, relation, privilege) THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = format('role %s may not %s %s', session_user, lower(privilege), relation);
            END IF;
        END
        $f$;

        -- A new association's partition, detached and without indexes: the writer copies its links in.
        CREATE FUNCTION {s}.begin_link_partition(association integer) RETURNS text
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
        DECLARE
            partition text := 'links_' || association;
        BEGIN
            PERFORM {s}.require_privilege('{s}.associations', 'INSERT');
            IF NOT EXISTS (SELECT 1 FROM {s}.associations WHERE id = association) THEN
                RAISE EXCEPTION 'association % does not exist', association;
            END IF;
            EXECUTE format('CREATE TABLE {s}.%I (assoc_id integer NOT NULL, first_id bigint NOT NULL, second_id bigint NOT NULL)', partition);
            EXECUTE format('GRANT SELECT, INSERT ON {s}.%I TO %I', partition, session_user);
            RETURN partition;
        END
        $f$;

        -- Indexes the partition (a link copied in twice is kept once) and attaches it to links.
        CREATE FUNCTION {s}.attach_link_partition(association integer) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
        DECLARE
            partition text := 'links_' || association;
        BEGIN
            PERFORM {s}.require_privilege('{s}.associations', 'INSERT');
            BEGIN
                EXECUTE format('ALTER TABLE {s}.%I ADD PRIMARY KEY (assoc_id, first_id, second_id)', partition);
            EXCEPTION WHEN unique_violation THEN
                EXECUTE format('DELETE FROM {s}.%1$I a USING {s}.%1$I b WHERE a.first_id = b.first_id AND a.second_id = b.second_id AND a.ctid > b.ctid', partition);
                EXECUTE format('ALTER TABLE {s}.%I ADD PRIMARY KEY (assoc_id, first_id, second_id)', partition);
            END;
            EXECUTE format('CREATE INDEX ON {s}.%I (assoc_id, second_id, first_id)', partition);
            EXECUTE format('ALTER TABLE {s}.links ATTACH PARTITION {s}.%I FOR VALUES IN (%s)', partition, association);
            -- Statistics now: without them the planner reads a page of links by sorting the whole partition.
            EXECUTE format('ANALYZE {s}.%I', partition);
        END
        $f$;

        -- Statistics of resources after a large load, for the same reason (analyze_resources, which follows).

        """ + PostgreSqlSchema.AnalyzeFunction("resources") + PostgreSqlSchema.LinkKeysView;

    /// <summary>
    /// Schema step 12: a new partition is created with <c>CHECK (assoc_id = N)</c>, which implies the partition's
    /// constraint, so attaching it skips the scan that would validate every copied link (0.5 s at 9.5 M links).
    /// The check also refuses, at the copy, a link of another association.
    /// </summary>
    public const string CheckNewPartitions = """
        CREATE OR REPLACE FUNCTION {s}.begin_link_partition(association integer) RETURNS text
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
        DECLARE
            partition text := 'links_' || association;
        BEGIN
            PERFORM {s}.require_privilege('{s}.associations', 'INSERT');
            IF NOT EXISTS (SELECT 1 FROM {s}.associations WHERE id = association) THEN
                RAISE EXCEPTION 'association % does not exist', association;
            END IF;
            EXECUTE format('CREATE TABLE {s}.%I (assoc_id integer NOT NULL CONSTRAINT %I CHECK (assoc_id = %s), first_id bigint NOT NULL, second_id bigint NOT NULL)',
                partition, partition || '_assoc', association);
            EXECUTE format('GRANT SELECT, INSERT ON {s}.%I TO %I', partition, session_user);
            RETURN partition;
        END
        $f$;
        """;
}

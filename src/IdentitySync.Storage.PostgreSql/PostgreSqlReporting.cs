namespace IdentitySync.Storage.PostgreSql;

/// <summary>
/// What reporting users read in plain SQL: functions that unpack the values <see cref="ResourceValueCodec"/>
/// packed (only reports call them; the engines read the packed bytes), and views over resources, their
/// values by property name and their links by key. "{s}" is the quoted schema name.
/// </summary>
internal static class PostgreSqlReporting
{
    /// <summary>Schema step 3: the unpacking functions and the views <c>resource_keys</c> and <c>resource_values</c>.</summary>
    public const string Create = """
        -- A little-endian integer of n bytes at position p (0-based).
        CREATE FUNCTION {s}.packed_integer(vals bytea, p integer, n integer) RETURNS bigint
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
        DECLARE
            v bigint := 0;
        BEGIN
            FOR k IN 0 .. n - 1 LOOP
                v := v | (get_byte(vals, p + k)::bigint << (8 * k));
            END LOOP;
            IF n = 4 AND v >= 2147483648 THEN
                v := v - 4294967296;
            END IF;
            RETURN v;
        END
        $f$;

        -- A count or length written with 7 bits a byte, low bits first; next_p is the position after it.
        CREATE FUNCTION {s}.packed_count(vals bytea, p integer, OUT count integer, OUT next_p integer)
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
        DECLARE
            b integer;
            shift integer := 0;
        BEGIN
            count := 0;
            next_p := p;
            LOOP
                b := get_byte(vals, next_p);
                next_p := next_p + 1;
                count := count | ((b & 127) << shift);
                EXIT WHEN b < 128;
                shift := shift + 7;
            END LOOP;
        END
        $f$;

        -- One value at position p: its type, its text (null for a null or a nested list), and the position after it.
        CREATE FUNCTION {s}.packed_value(vals bytea, p integer, OUT value_type text, OUT value text, OUT next_p integer)
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
        DECLARE
            tag integer := get_byte(vals, p);
            c record;
            bits bigint;
            ticks bigint;
            exponent integer;
            mantissa bigint;
            magnitude double precision;
            g text;
        BEGIN
            next_p := p + 1;
            CASE tag
            WHEN 0 THEN
                value_type := 'null';
            WHEN 1 THEN
                c := {s}.packed_count(vals, next_p);
                value_type := 'text';
                value := convert_from(substring(vals FROM c.next_p + 1 FOR c.count), 'UTF8');
                next_p := c.next_p + c.count;
            WHEN 2 THEN
                value_type := 'int32';
                value := {s}.packed_integer(vals, next_p, 4)::text;
                next_p := next_p + 4;
            WHEN 3 THEN
                value_type := 'int64';
                value := {s}.packed_integer(vals, next_p, 8)::text;
                next_p := next_p + 8;
            WHEN 4 THEN
                value_type := 'boolean';
                value := 'false';
            WHEN 5 THEN
                value_type := 'boolean';
                value := 'true';
            WHEN 6 THEN
                -- .NET ticks (100 ns since 0001-01-01, UTC), written as .NET's round-trip format.
                ticks := {s}.packed_integer(vals, next_p, 8);
                value_type := 'datetime';
                value := to_char(timestamp '0001-01-01' + make_interval(days => (ticks / 864000000000)::integer)
                                 + make_interval(secs => (ticks % 864000000000) / 10000000), 'YYYY-MM-DD"T"HH24:MI:SS')
                         || '.' || lpad((ticks % 10000000)::text, 7, '0') || 'Z';
                next_p := next_p + 8;
            WHEN 7 THEN
                -- Guid.ToByteArray: the first three groups little-endian, the last two as they are.
                g := encode(substring(vals FROM next_p + 1 FOR 16), 'hex');
                value_type := 'guid';
                value := substr(g, 7, 2) || substr(g, 5, 2) || substr(g, 3, 2) || substr(g, 1, 2) || '-'
                         || substr(g, 11, 2) || substr(g, 9, 2) || '-' || substr(g, 15, 2) || substr(g, 13, 2) || '-'
                         || substr(g, 17, 4) || '-' || substr(g, 21, 12);
                next_p := next_p + 16;
            WHEN 8 THEN
                -- IEEE 754 binary64 from its bits: PostgreSQL has no cast from the bits.
                bits := {s}.packed_integer(vals, next_p, 8);
                exponent := ((bits >> 52) & 2047)::integer;
                mantissa := bits & 4503599627370495;
                IF exponent = 2047 THEN
                    magnitude := CASE WHEN mantissa = 0 THEN 'Infinity'::double precision ELSE 'NaN'::double precision END;
                ELSIF exponent = 0 THEN
                    magnitude := mantissa::double precision * power(2::double precision, -1074);
                ELSE
                    magnitude := (4503599627370496 + mantissa)::double precision * power(2::double precision, exponent - 1075);
                END IF;
                value_type := 'double';
                value := (CASE WHEN bits < 0 THEN -magnitude ELSE magnitude END)::text;
                next_p := next_p + 8;
            WHEN 9 THEN
                c := {s}.packed_count(vals, next_p);
                value_type := 'binary';
                value := translate(encode(substring(vals FROM c.next_p + 1 FOR c.count), 'base64'), E'\n', '');
                next_p := c.next_p + c.count;
            WHEN 10 THEN
                c := {s}.packed_count(vals, next_p);
                value_type := 'list';
                next_p := c.next_p;
                FOR k IN 1 .. c.count LOOP
                    next_p := ({s}.packed_value(vals, next_p)).next_p;
                END LOOP;
            ELSE
                RAISE EXCEPTION 'packed values: unknown tag % at byte %', tag, p;
            END CASE;
        END
        $f$;

        -- Every value that is not null: its position among the entity type's properties (ordinal, from 0),
        -- its position in a multi-valued property (item, from 0; null for a single value), type and text.
        CREATE FUNCTION {s}.unpack_values(vals bytea)
            RETURNS TABLE (ordinal integer, item integer, value_type text, value text)
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
        DECLARE
            p integer := 0;
            c record;
            l record;
            v record;
        BEGIN
            IF {s}.packed_layout(vals) IS NOT NULL THEN
                p := 10;
            END IF;
            c := {s}.packed_count(vals, p);
            p := c.next_p;
            FOR i IN 0 .. c.count - 1 LOOP
                IF get_byte(vals, p) = 10 THEN
                    l := {s}.packed_count(vals, p + 1);
                    p := l.next_p;
                    FOR j IN 0 .. l.count - 1 LOOP
                        v := {s}.packed_value(vals, p);
                        p := v.next_p;
                        IF v.value_type NOT IN ('null', 'list') THEN
                            ordinal := i; item := j; value_type := v.value_type; value := v.value;
                            RETURN NEXT;
                        END IF;
                    END LOOP;
                ELSE
                    v := {s}.packed_value(vals, p);
                    p := v.next_p;
                    IF v.value_type <> 'null' THEN
                        ordinal := i; item := NULL; value_type := v.value_type; value := v.value;
                        RETURN NEXT;
                    END IF;
                END IF;
            END LOOP;
        END
        $f$;

        -- The layout id packed values start with, or null when they carry none.
        CREATE FUNCTION {s}.packed_layout(vals bytea) RETURNS bigint
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
            SELECT CASE WHEN length(vals) >= 10 AND get_byte(vals, 0) = 128 AND get_byte(vals, 1) = 0
                        THEN {s}.packed_integer(vals, 2, 8) END
        $f$;

        CREATE VIEW {s}.resource_keys AS
            SELECT t.name AS entity_type, r.id AS resource_id, r.key
            FROM {s}.resources r JOIN {s}.entity_types t ON t.id = r.type_id;

        -- Values by the property name of the layout they were written in (rows written before layouts were
        -- kept name the property by its position: '#0', '#1', ...).
        CREATE VIEW {s}.resource_values AS
            SELECT t.name AS entity_type, r.id AS resource_id, r.key,
                   coalesce((l.layout::jsonb -> 'properties' -> v.ordinal) ->> 'name', '#' || v.ordinal) AS property,
                   v.item, v.value_type, v.value
            FROM {s}.resources r
            JOIN {s}.entity_types t ON t.id = r.type_id
            CROSS JOIN LATERAL {s}.unpack_values(r.vals) v
            LEFT JOIN {s}.layouts l ON l.id = {s}.packed_layout(r.vals);
        """;
}

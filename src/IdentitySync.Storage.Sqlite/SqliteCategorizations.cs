using System.Text;
using IdentitySync.Categorizations;
using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// The categorizations table (schema 14): every field of an account's categorization is a column
/// (<see cref="StoredCategorization"/>), read by entity type through an index; no JSON per account.
/// </summary>
internal static class SqliteCategorizations
{
    public const string CreateTable = """
        CREATE TABLE categorizations (
            resource_id INTEGER PRIMARY KEY,
            entity_type TEXT NOT NULL COLLATE NOCASE,
            status TEXT NOT NULL,
            resource_type TEXT COLLATE NOCASE,
            owner_id INTEGER,
            confidence INTEGER NOT NULL,
            candidates TEXT,
            reason TEXT,
            account_digest INTEGER NOT NULL,
            owners_digest INTEGER NOT NULL,
            at INTEGER NOT NULL,
            owner_gone INTEGER NOT NULL DEFAULT 0);
        """;

    /// <summary>
    /// Schema 18: whether a categorization's owner is gone (<c>owner_gone</c>, decision 112), set when the owner is
    /// deleted (<see cref="MarkOwnerGone"/>) or a categorization is saved with an owner no longer stored, and read
    /// through a partial index: the orphaned accounts are a few rows of the index, not a probe per correlated account.
    /// Files written before have the column added (schema 14 creates it now) and computed once.
    /// </summary>
    public static void AddOwnerGone(SqliteConnection connection)
    {
        if (SqliteSchema.Scalar(connection, "SELECT count(*) FROM pragma_table_info('categorizations') WHERE name = 'owner_gone'") == 0)
        {
            SqliteSchema.Execute(connection, "ALTER TABLE categorizations ADD COLUMN owner_gone INTEGER NOT NULL DEFAULT 0;");
        }

        SqliteSchema.Execute(connection, """
            UPDATE categorizations SET owner_gone = 1
                WHERE owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.id = categorizations.owner_id);
            CREATE INDEX categorizations_owner_gone ON categorizations (entity_type) WHERE owner_gone = 1;
            """);
    }

    /// <summary>Marks the categorizations of a deleted owner (bind its id as ?1), in the delete's transaction.</summary>
    public const string MarkOwnerGone = "UPDATE categorizations SET owner_gone = 1 WHERE owner_id = ?1";

    private const string Upsert = $"""
        INSERT INTO categorizations ({StoredCategorization.Columns}, owner_gone)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?5 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resources WHERE id = ?5))
        ON CONFLICT (resource_id) DO UPDATE SET entity_type = excluded.entity_type, status = excluded.status, resource_type = excluded.resource_type,
            owner_id = excluded.owner_id, confidence = excluded.confidence, candidates = excluded.candidates, reason = excluded.reason,
            account_digest = excluded.account_digest, owners_digest = excluded.owners_digest, at = excluded.at, owner_gone = excluded.owner_gone;
        """;

    /// <summary>
    /// Writes categorizations with one raw prepared statement, replacing those of the same accounts through an
    /// upsert: a first categorization writes a million rows, and <c>INSERT OR REPLACE</c> took four times as long.
    /// </summary>
    /// <returns>The resources the change feed records: each account, with its owner and candidates before and after.</returns>
    public static List<long> Save(SqliteConnection connection, IEnumerable<AccountCategorization> categorizations, CancellationToken cancellationToken)
    {
        using var statement = new RawStatement(connection, Upsert);
        using var previous = new RawStatement(connection, "SELECT owner_id, candidates FROM categorizations WHERE resource_id = ?1");
        var reached = new List<long>();
        var written = 0;

        // A first categorization has no previous rows to read (a million lookups). A resource saved twice in one
        // call reaches the same ids either way: its first row's owner and candidates were reached when it was saved.
        var anyStored = SqliteSchema.Scalar(connection, "SELECT EXISTS (SELECT 1 FROM categorizations)") != 0;

        // In the primary key's order, the reads of the previous rows and the upserts walk the table once (a
        // categorization's list usually comes in that order already: it is then not sorted again).
        // The sort is stable: an account named twice keeps its later categorization.
        var inOrder = categorizations.ToArray();
        if (!IsByResourceId(inOrder))
        {
            inOrder = [.. inOrder.OrderBy(static c => c.ResourceId)];
        }

        foreach (var categorization in inOrder)
        {
            if ((++written & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var found = false;
            if (anyStored)
            {
                previous.Bind(1, categorization.ResourceId);
                found = previous.Read();
            }

            ChangeFeedEntries.AddOfCategorization(
                reached,
                categorization,
                found ? previous.GetInt64OrNull(0) : null,
                found ? StoredCategorization.CandidateIds(previous.GetStringOrNull(1)) : []);
            if (anyStored)
            {
                previous.Reset();
            }

            var stored = StoredCategorization.Of(categorization);
            statement.Bind(1, stored.ResourceId);
            statement.Bind(2, stored.EntityType);
            statement.Bind(3, stored.StatusText);
            statement.BindOrNull(4, stored.ResourceType);
            statement.BindOrNull(5, stored.OwnerId);
            statement.Bind(6, stored.Confidence);
            statement.BindOrNull(7, stored.Candidates);
            statement.BindOrNull(8, stored.Reason);
            statement.Bind(9, stored.AccountDigest);
            statement.Bind(10, stored.OwnersDigest);
            statement.Bind(11, stored.AtTicks);
            statement.Execute();
        }

        cancellationToken.ThrowIfCancellationRequested();
        return reached;
    }

    private static bool IsByResourceId(AccountCategorization[] categorizations)
    {
        for (var i = 1; i < categorizations.Length; i++)
        {
            if (categorizations[i].ResourceId < categorizations[i - 1].ResourceId)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Schema 16: categorizations found by owner, and by entity type and status (a generation's reads by owner, pending
    /// suggestions); the second index also covers a count by resource type and owner, so counting a million settled
    /// accounts reads no row.
    /// </summary>
    public const string CreateQueryIndexes = """
        CREATE INDEX categorizations_by_owner ON categorizations (owner_id) WHERE owner_id IS NOT NULL;
        CREATE INDEX categorizations_by_status ON categorizations (entity_type, status, resource_type, owner_id);
        """;

    /// <summary>Reads an entity type's categorizations (any case) with a raw statement.</summary>
    public static List<AccountCategorization> ReadType(SqliteConnection connection, string entityType) =>
        Read(connection, new CategorizationQuery(entityType));

    /// <summary>Counts the categorizations a query names, through the primary key or the indexes.</summary>
    public static long Count(SqliteConnection connection, CategorizationQuery query)
    {
        using var statement = new RawStatement(connection, SelectCount(query));
        Bind(statement, query);
        statement.Read();
        var count = statement.GetInt64(0);
        statement.Reset();
        return count;
    }

    /// <summary>Reads the categorizations a query names with a raw statement, through the primary key or the indexes.</summary>
    public static List<AccountCategorization> Read(SqliteConnection connection, CategorizationQuery query)
    {
        var found = new List<AccountCategorization>();

        // A million categorizations repeat a handful of types, statuses and reasons: each is looked up by its bytes'
        // characters and made a string once, so reading allocates no string per field per row, and the
        // categorizations kept in memory share their text.
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var byChars = texts.GetAlternateLookup<ReadOnlySpan<char>>();
        string Shared(ReadOnlySpan<byte> utf8)
        {
            Span<char> chars = stackalloc char[256];
            if (Encoding.UTF8.GetMaxCharCount(utf8.Length) > chars.Length)
            {
                return Encoding.UTF8.GetString(utf8);
            }

            var text = chars[..Encoding.UTF8.GetChars(utf8, chars)];
            if (byChars.TryGetValue(text, out var shared))
            {
                return shared;
            }

            shared = text.ToString();
            if (texts.Count < 4096)
            {
                texts[shared] = shared;
            }

            return shared;
        }

        string? SharedOrNull(RawStatement row, int column) => row.IsNull(column) ? null : Shared(row.GetBlob(column));

        using var statement = new RawStatement(connection, Select(query));
        Bind(statement, query);
        while (statement.Read())
        {
            found.Add(new StoredCategorization
            {
                ResourceId = statement.GetInt64(0),
                EntityType = Shared(statement.GetBlob(1)),
                Status = Enum.Parse<CategorizationStatus>(Shared(statement.GetBlob(2))),
                ResourceType = SharedOrNull(statement, 3),
                OwnerId = statement.GetInt64OrNull(4),
                Confidence = (int)statement.GetInt64(5),
                Candidates = statement.GetStringOrNull(6),
                Reason = SharedOrNull(statement, 7),
                AccountDigest = statement.GetInt64(8),
                OwnersDigest = statement.GetInt64(9),
                AtTicks = statement.GetInt64(10),
            }.ToCategorization());
        }

        return found;
    }

    /// <summary>The statement counting a query's categorizations; bind it with <see cref="Bind"/>.</summary>
    public static string SelectCount(CategorizationQuery query) => "SELECT count(*) FROM categorizations" + Where(query);

    /// <summary>The statement reading a query's categorizations; bind it with <see cref="Bind"/>.</summary>
    public static string Select(CategorizationQuery query) =>
        $"SELECT {StoredCategorization.ColumnsFor(query)} FROM categorizations"
        + (query.OwnerMissing && query.ResourceIds is null && query.OwnerIds is null ? " INDEXED BY categorizations_owner_gone" : string.Empty)
        + Where(query);

    /// <summary>The WHERE clause of a query: each filter set is a condition on a parameter (?1 the type, ?2 to ?4 JSON arrays, ?5 the resource type).</summary>
    /// <remarks>
    /// Reads by account or owner keep the entity type out of the index choice (<c>+entity_type</c>): without
    /// statistics SQLite would otherwise scan the type's index instead of seeking the few ids.
    /// </remarks>
    private static string Where(CategorizationQuery query) =>
        (query.ResourceIds is null && query.OwnerIds is null ? " WHERE entity_type = ?1" : " WHERE +entity_type = ?1")
        + (query.ResourceIds is null ? string.Empty : " AND resource_id IN (SELECT value FROM json_each(?2))")
        + (query.OwnerIds is null ? string.Empty : " AND owner_id IN (SELECT value FROM json_each(?3))")
        + (query.Statuses is null ? string.Empty : " AND status IN (SELECT value FROM json_each(?4))")
        + (query.ResourceType is null ? string.Empty : " AND resource_type = ?5")
        + (query.OwnedOnly ? " AND owner_id IS NOT NULL" : string.Empty)
        + (query.OwnerMissing ? " AND owner_id IS NOT NULL AND owner_gone = 1" : string.Empty);

    private static void Bind(RawStatement statement, CategorizationQuery query)
    {
        statement.Bind(1, query.EntityType);
        if (query.ResourceIds is { } accounts)
        {
            statement.Bind(2, SqliteSchema.JsonIds(accounts));
        }

        if (query.OwnerIds is { } owners)
        {
            statement.Bind(3, SqliteSchema.JsonIds(owners));
        }

        if (query.Statuses is { } statuses)
        {
            statement.Bind(4, SqliteSchema.JsonTexts(statuses.Select(static s => s.ToString())));
        }

        if (query.ResourceType is { } resourceType)
        {
            statement.Bind(5, resourceType);
        }
    }

    /// <summary>Schema 14: each categorization kept whole as JSON becomes a row of columns.</summary>
    public static void MigrateToColumns(SqliteConnection connection) =>
        SqliteSchema.MoveJsonRows<AccountCategorization>(connection, "categorizations", "categorization", "DROP INDEX categorizations_by_type;", CreateTable, static (c, rows) => Save(c, rows, CancellationToken.None));
}

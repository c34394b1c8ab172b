using System.Data.Common;
using System.Globalization;
using IdentitySync.Categorizations;

namespace IdentitySync.Storage;

/// <summary>
/// An account's categorization as a store keeps it: every field a column, so that categorization and order
/// generation, which read the categorizations of every account, read numbers and short text, not a JSON document
/// per account. Digests are the bits of a signed 64-bit number; the time is UTC ticks; the candidates are their
/// ids separated by commas (none: null).
/// </summary>
public sealed record StoredCategorization
{
    /// <summary>The columns <see cref="Read"/> takes, in its order, as a store names them in SQL.</summary>
    public const string Columns = "resource_id, entity_type, status, resource_type, owner_id, confidence, candidates, reason, account_digest, owners_digest, at";

    /// <summary>
    /// The columns <see cref="Read"/> takes for a query: <see cref="Columns"/>, with <c>NULL</c> in the reason's place when
    /// the query leaves reasons out (<see cref="CategorizationQuery.WithoutReasons"/>), so the store never reads them.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <returns>The columns, in <see cref="Columns"/>' order.</returns>
    public static string ColumnsFor(CategorizationQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.WithoutReasons ? Columns.Replace(" reason,", " NULL,", StringComparison.Ordinal) : Columns;
    }

    /// <summary>Gets the account's resource id.</summary>
    public required long ResourceId { get; init; }

    /// <summary>Gets the account's entity type.</summary>
    public required string EntityType { get; init; }

    /// <summary>Gets the outcome.</summary>
    public required CategorizationStatus Status { get; init; }

    /// <summary>
    /// Gets the status as the status column holds it: its name, as <c>ToString</c> gives it, without boxing the value
    /// (a store saving a million categorizations boxed a million).
    /// </summary>
    public string StatusText => (uint)Status < (uint)s_statusNames.Length ? s_statusNames[(int)Status] : Status.ToString();

    private static readonly string[] s_statusNames = StatusNames();

    /// <summary>Each status's name at its value's place.</summary>
    private static string[] StatusNames()
    {
        var statuses = Enum.GetValues<CategorizationStatus>();
        var names = new string[(int)statuses.Max() + 1];
        foreach (var status in statuses)
        {
            names[(int)status] = status.ToString();
        }

        return names;
    }

    /// <summary>Gets the resource type, if one was decided or suggested.</summary>
    public string? ResourceType { get; init; }

    /// <summary>Gets the owner's id, if one was decided.</summary>
    public long? OwnerId { get; init; }

    /// <summary>Gets the confidence of the rule that decided.</summary>
    public required int Confidence { get; init; }

    /// <summary>Gets the candidate owners' ids separated by commas, or <see langword="null"/> when there are none.</summary>
    public string? Candidates { get; init; }

    /// <summary>Gets why, in words.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the account's digest when it was categorized, as the bits of a signed number.</summary>
    public required long AccountDigest { get; init; }

    /// <summary>Gets the owners' digest when it was categorized, as the bits of a signed number.</summary>
    public required long OwnersDigest { get; init; }

    /// <summary>Gets when it was categorized, as UTC ticks.</summary>
    public required long AtTicks { get; init; }

    /// <summary>Splits a categorization into its columns.</summary>
    /// <param name="categorization">The categorization.</param>
    /// <returns>The stored form.</returns>
    public static StoredCategorization Of(AccountCategorization categorization)
    {
        ArgumentNullException.ThrowIfNull(categorization);
        return new StoredCategorization
        {
            ResourceId = categorization.ResourceId,
            EntityType = categorization.EntityType,
            Status = categorization.Status,
            ResourceType = categorization.ResourceType,
            OwnerId = categorization.OwnerId,
            Confidence = categorization.Confidence,
            Candidates = categorization.Candidates is { Count: > 0 } candidates ? string.Join(',', candidates.Select(static c => c.ToString(CultureInfo.InvariantCulture))) : null,
            Reason = categorization.Reason,
            AccountDigest = unchecked((long)categorization.AccountDigest),
            OwnersDigest = unchecked((long)categorization.OwnersDigest),
            AtTicks = categorization.At.UtcTicks,
        };
    }

    /// <summary>The owner ids of a <see cref="Candidates"/> column.</summary>
    /// <param name="candidates">The column: ids separated by commas, or null.</param>
    /// <returns>The ids, in their order; none for null.</returns>
    public static IEnumerable<long> CandidateIds(string? candidates) =>
        candidates is null ? [] : candidates.Split(',').Select(static c => long.Parse(c, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

    /// <summary>Puts the categorization together again; its time reads back in UTC.</summary>
    /// <returns>The categorization.</returns>
    /// <exception cref="FormatException">The candidates are not ids separated by commas.</exception>
    public AccountCategorization ToCategorization() => new(
        ResourceId,
        EntityType,
        Status,
        ResourceType,
        OwnerId,
        Confidence,
        Candidates is null ? [] : [.. CandidateIds(Candidates)],
        Reason,
        unchecked((ulong)AccountDigest),
        unchecked((ulong)OwnersDigest),
        new DateTimeOffset(AtTicks, TimeSpan.Zero));

    /// <summary>Reads a stored categorization from a row of <see cref="Columns"/>.</summary>
    /// <param name="reader">A reader on a row that starts with <see cref="Columns"/>.</param>
    /// <returns>The stored categorization.</returns>
    public static StoredCategorization Read(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new StoredCategorization
        {
            ResourceId = reader.GetInt64(0),
            EntityType = reader.GetString(1),
            Status = Enum.Parse<CategorizationStatus>(reader.GetString(2)),
            ResourceType = reader.IsDBNull(3) ? null : reader.GetString(3),
            OwnerId = reader.IsDBNull(4) ? null : reader.GetInt64(4),
            Confidence = reader.GetInt32(5),
            Candidates = reader.IsDBNull(6) ? null : reader.GetString(6),
            Reason = reader.IsDBNull(7) ? null : reader.GetString(7),
            AccountDigest = reader.GetInt64(8),
            OwnersDigest = reader.GetInt64(9),
            AtTicks = reader.GetInt64(10),
        };
    }
}

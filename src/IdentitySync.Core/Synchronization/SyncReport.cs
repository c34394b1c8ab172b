using System.Text.Json;
using IdentitySync.ChangeSets;

namespace IdentitySync.Synchronization;

/// <summary>The result of one synchronization; it serializes to stable JSON (see <c>docs/sync-report.md</c>).</summary>
public sealed record SyncReport
{
    /// <summary>Gets the connector.</summary>
    public required string Connector { get; init; }

    /// <summary>Gets the mode.</summary>
    public required SyncMode Mode { get; init; }

    /// <summary>Gets how the run ended.</summary>
    public required SyncOutcome Outcome { get; init; }

    /// <summary>
    /// Gets why the run failed, was skipped or blocked, in plain words; for a run that succeeded, how its
    /// delta was obtained or that its export was unchanged, else null.
    /// </summary>
    public string? Message { get; init; }

    /// <summary>Gets what kind of failure a failed run met (a locked connector, unreadable input, refused credentials); omitted from the JSON when none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public FailureKind Failure { get; init; }

    /// <summary>Gets the prepared batch's id; null when the run stopped before preparing.</summary>
    public string? BatchId { get; init; }

    /// <summary>Gets a value indicating whether thresholds were bypassed for this run.</summary>
    public bool Forced { get; init; }

    /// <summary>Gets a value indicating whether the run only computed and wrote nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Gets a value indicating whether the run found every table's fingerprint identical to the export
    /// applied in batch <see cref="BatchId"/>, under the same configuration, and so read and changed nothing.
    /// </summary>
    public bool ExportUnchanged { get; init; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets the durations per step.</summary>
    public SyncDurations Durations { get; init; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Gets what happened to each entity type.</summary>
    public IReadOnlyList<EntityTypeReport> EntityTypes { get; init; } = [];

    /// <summary>Gets what happened to each association.</summary>
    public IReadOnlyList<AssociationReport> Associations { get; init; } = [];

    /// <summary>
    /// Gets how many changes matched an executed order (its resource, type and values) and so were not counted
    /// toward the thresholds; omitted from the JSON when none.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public long ExpectedChanges { get; init; }

    /// <summary>Gets every active threshold with its verdict.</summary>
    public IReadOnlyList<ThresholdVerdict> Thresholds { get; init; } = [];

    /// <summary>Serializes the report to indented, camelCase JSON with enums as names.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, SyncJsonContext.Reports.SyncReport);
}

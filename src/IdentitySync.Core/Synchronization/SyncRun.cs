using System.Globalization;
using System.Text;
using IdentitySync.ChangeSets;
using IdentitySync.Connections;
using IdentitySync.Diagnostics;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>
/// One synchronization of one connector, under its run lock: runs the stages in order (plan, fingerprint,
/// stored state and export read, diff, thresholds, report, apply) and decides between them.
/// </summary>
internal sealed class SyncRun(SyncEngine engine, Connector connector, SyncRunOptions options, SyncReport report, long clock)
{
    private bool Incremental => options.Mode == SyncMode.Incremental;

    public async Task<SyncReport> ExecuteAsync(CancellationToken cancellationToken)
    {
        var store = engine.Store;
        var state = await store.GetConnectorStateAsync(connector.Name, cancellationToken).ConfigureAwait(false);
        if (Incremental && state.Blocked is not null)
        {
            return report with
            {
                Message = $"Connector '{connector.Name}' is blocked by a threshold since {state.Blocked.CreatedAt:u}; resume or abandon it, or run a complete synchronization.",
            };
        }

        var plan = TablePlan.Build(engine.Model, connector, Incremental, c => engine.PackageOf(c).Capabilities);
        if (options.Mode == SyncMode.Initial)
        {
            long held = 0;
            foreach (var entity in plan.Entities.Values)
            {
                held += await store.CountResourcesAsync(entity.EntityType.Name, cancellationToken).ConfigureAwait(false);
            }

            if (held > 0)
            {
                return report with
                {
                    Outcome = SyncOutcome.Failed,
                    Failure = FailureKind.InvalidInput,
                    Message = $"Connector '{connector.Name}' already holds {held} resources; initial mode loads a connector that holds nothing. Use complete mode.",
                };
            }
        }

        var exports = new Dictionary<string, IExportConnection>(StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var table in plan.Tables)
            {
                if (!exports.ContainsKey(table.Connection.Name))
                {
                    var package = engine.PackageOf(table.Connection);
                    exports[table.Connection.Name] = package.CreateExportConnection(table.Connection, engine.ContextFor(connector, package, cancellationToken));
                }
            }

            var readStart = engine.Time.GetTimestamp();
            using var stages = new StageSpans(connector.Name);
            stages.Start("identitysync.sync.read");
            return await ExecuteStagesAsync(state, plan, exports, readStart, stages, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var export in exports.Values)
            {
                await export.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads, diffs and applies, each stage under its own span.</summary>
    private async Task<SyncReport> ExecuteStagesAsync(ConnectorState state, TablePlan plan, Dictionary<string, IExportConnection> exports, long readStart, StageSpans stages, CancellationToken cancellationToken)
    {
        var fingerprints = Incremental ? null : await ExportFingerprinter.FingerprintAsync(connector, plan, exports, IsConcurrent, cancellationToken).ConfigureAwait(false);
        var fingerprint = fingerprints?.Fingerprint;
        if (fingerprint is not null && options.Mode == SyncMode.Complete && !options.ReadUnchanged && state.Blocked is null
            && string.Equals(fingerprint, state.ExportFingerprint, StringComparison.Ordinal))
        {
            return report with
            {
                Outcome = SyncOutcome.Succeeded,
                ExportUnchanged = true,
                BatchId = state.LastBatchId,
                Message = $"The export is identical to the one applied in batch {state.LastBatchId}, under the same configuration: nothing was read and nothing changed. Read it anyway with ReadUnchanged (--read-unchanged).",
                Durations = engine.Durations(clock, engine.Time.GetElapsedTime(readStart), TimeSpan.Zero, TimeSpan.Zero),
            };
        }

        var reader = new ExportReader(
            connector.Name,
            exports,
            NativeDelta(plan) ? ExportMode.Incremental : ExportMode.Complete,
            state.Watermarks,
            engine.OpenRetry,
            engine.Options.BatchSize,
            options.Progress);
        // A fingerprinted export is identified by its fingerprint: its rows need no hash of their own for the batch id.
        if (fingerprints is not null)
        {
            plan.IdentifyByFingerprint();
        }

        await ReadAsync(plan, reader, cancellationToken).ConfigureAwait(false);
        var afterRead = fingerprints is null ? null : await ExportFingerprinter.FingerprintAsync(connector, plan, exports, IsConcurrent, cancellationToken).ConfigureAwait(false);
        if (fingerprint is not null && !string.Equals(fingerprint, afterRead?.Fingerprint, StringComparison.Ordinal))
        {
            // A table changed while it was read: what was read has no fingerprint.
            fingerprint = null;
        }

        var read = engine.Time.GetElapsedTime(readStart);

        stages.Start("identitysync.sync.diff");
        var diffStart = engine.Time.GetTimestamp();
        options.Progress?.Report(new SyncProgress(connector.Name, SyncStep.Diff, null, 0));
        var batchId = BatchId(plan, fingerprints?.Content, afterRead?.Content);
        report = report with { BatchId = batchId };
        if (Incremental && state.IncrementalBatchIds.Contains(batchId))
        {
            return report with
            {
                Message = $"Batch {batchId} was already applied to connector '{connector.Name}'; applying it again changes nothing.",
                Durations = engine.Durations(clock, read, TimeSpan.Zero, TimeSpan.Zero),
            };
        }

        foreach (var entity in plan.Entities.Values)
        {
            entity.QuarantineSharedUniqueKeys();
        }

        await StoredStateLoader.ReadChangedValuesAsync(engine.Store, plan, cancellationToken).ConfigureAwait(false);

        var changeSet = await DiffAsync(plan, batchId, state.Version, reader.WatermarksAfterApply()).ConfigureAwait(false);
        if (plan.Entities.Values.Any(static e => e.Quarantined.Count > 0) || plan.Associations.Any(static a => a.Quarantined.Count > 0))
        {
            // A run that quarantined rows is read again next time, so that its report lists them again.
            fingerprint = null;
        }

        if (options.QuarantineOutput is { } output && await QuarantineWriter.TryWriteAsync(output, connector.Name, plan, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return report with
            {
                Outcome = SyncOutcome.Failed,
                Failure = FailureKind.Failed,
                Message = $"Connector '{connector.Name}': the quarantined rows could not be written to the quarantine output ({failure}); nothing of this run was applied.",
                Durations = engine.Durations(clock, read, engine.Time.GetElapsedTime(diffStart), TimeSpan.Zero),
            };
        }

        // Changes an executed order asked for are expected: they do not count toward the thresholds.
        var expected = options.Mode == SyncMode.Initial ? ExpectedChanges.None : await ExpectedChanges.LoadAsync(engine.Model, connector, engine.Store, cancellationToken).ConfigureAwait(false);
        var verdicts = ThresholdCheck.Verdicts(connector, options.Mode, plan, changeSet, expected);
        var diff = engine.Time.GetElapsedTime(diffStart);
        report = report with
        {
            EntityTypes = SyncReportBuilder.EntityTypes(plan, changeSet, engine.Options.ReportedQuarantinedRows),
            Associations = SyncReportBuilder.Associations(plan, changeSet, engine.Options.ReportedQuarantinedRows),
            Thresholds = verdicts,
            ExpectedChanges = expected.Matched,
        };
        if (plan.DerivedDelta)
        {
            report = report with { Message = "The connection has no native delta: the changes were derived from its complete export." };
        }

        if (verdicts.Any(static v => v.Exceeded) && !options.Force)
        {
            if (!options.DryRun)
            {
                await engine.Store.SetBlockedChangeSetAsync(connector.Name, changeSet, cancellationToken).ConfigureAwait(false);
            }

            return report with
            {
                Outcome = SyncOutcome.Blocked,
                Message = SyncReportBuilder.BlockedMessage(connector.Name, options.Mode, plan, verdicts),
                Durations = engine.Durations(clock, read, diff, TimeSpan.Zero),
            };
        }

        var applyStart = engine.Time.GetTimestamp();
        if (!options.DryRun && NothingToRecord(changeSet, state, fingerprint))
        {
            // Nothing changed and nothing new to remember: the store is not written, the version stays.
            return report with
            {
                Outcome = SyncOutcome.Succeeded,
                Message = report.Message ?? $"Nothing changed: the store was not written, and connector '{connector.Name}' stays at version {state.Version}.",
                Durations = engine.Durations(clock, read, diff, TimeSpan.Zero),
            };
        }

        if (!options.DryRun)
        {
            foreach (var entity in plan.Entities.Values)
            {
                entity.Release();
            }

            options.Progress?.Report(new SyncProgress(connector.Name, SyncStep.Apply, null, 0));
            stages.Start("identitysync.sync.apply");
            await engine.Writer.ApplyAsync(changeSet, state, fingerprint, cancellationToken).ConfigureAwait(false);
        }

        return report with
        {
            Outcome = SyncOutcome.Succeeded,
            Durations = engine.Durations(clock, read, diff, engine.Time.GetElapsedTime(applyStart)),
        };
    }

    /// <summary>
    /// Whether applying would write nothing but a new version: no row or link changes, no blocked change set
    /// to clear, the same export fingerprint and watermarks, and not an incremental batch (whose id is kept).
    /// </summary>
    private static bool NothingToRecord(ChangeSet changeSet, ConnectorState state, string? fingerprint) =>
        changeSet.IsEmpty
        && changeSet.Mode != SyncMode.Incremental
        && state.Blocked is null
        && string.Equals(fingerprint, state.ExportFingerprint, StringComparison.Ordinal)
        && changeSet.Watermarks.SequenceEqual(state.Watermarks);

    /// <summary>Whether the run reads a native delta: incremental, from a connection that exports one (not derived from a complete export).</summary>
    private bool NativeDelta(TablePlan plan) => Incremental && !plan.DerivedDelta;

    private bool IsConcurrent(PlannedTable table) =>
        engine.PackageOf(table.Connection).Capabilities.HasFlag(ConnectionCapabilities.ConcurrentTables);

    /// <summary>
    /// Loads what is stored and reads every table. Tables of packages that read them independently are
    /// read side by side, one per core, the others one after another; tables that feed only associations
    /// need nothing stored and start while the stored resources load; the stored links load in the
    /// background. Each table feeds only its own preparers; what joins them runs after all are read.
    /// </summary>
    private async Task ReadAsync(TablePlan plan, ExportReader reader, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var early = Task.CompletedTask;
        var links = Task.CompletedTask;
        try
        {
            foreach (var table in plan.Tables)
            {
                options.Progress?.Report(new SyncProgress(connector.Name, SyncStep.Read, table.Table, 0));
            }

            // A connector's first load has nothing stored to size anything from.
            if (options.Mode != SyncMode.Initial)
            {
                await StoredStateLoader.ExpectLinksAsync(engine.Store, plan, completeExport: !NativeDelta(plan), stop.Token).ConfigureAwait(false);
            }

            var concurrent = plan.Tables.Where(IsConcurrent).ToList();
            var associationsOnly = concurrent.Where(static t => t.Entities.Count == 0).ToList();
            early = associationsOnly.Count == 0 ? early : Task.Run(() => reader.ReadSideBySideAsync(associationsOnly, stop.Token), stop.Token);
            links = await StoredStateLoader.LoadAsync(engine.Store, plan, NativeDelta(plan), stop.Token).ConfigureAwait(false);
            foreach (var table in plan.Tables.Except(concurrent))
            {
                await reader.ReadAsync(table, stop.Token).ConfigureAwait(false);
            }

            await reader.ReadSideBySideAsync([.. concurrent.Except(associationsOnly)], stop.Token).ConfigureAwait(false);
            await early.ConfigureAwait(false);
            await links.ConfigureAwait(false);
        }
        catch
        {
            // Nothing keeps reading the export or the store after this run returns.
            await stop.CancelAsync().ConfigureAwait(false);
            await early.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await links.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    /// <summary>
    /// The batch's id: its content only, so the same export gives the same id in any process and with any engine
    /// version. A fingerprinted export's id is its fingerprints' (taken before and after reading it, equal unless a
    /// table changed meanwhile); any other batch's hashes its rows in read order.
    /// </summary>
    private string BatchId(TablePlan plan, string? contentBefore, string? contentAfter)
    {
        if (contentBefore is not null)
        {
            return Xxh64.Hash(Encoding.UTF8.GetBytes($"{connector.Name}|{options.Mode}|{contentBefore}|{contentAfter}")).ToString("x16", CultureInfo.InvariantCulture);
        }

        var hash = Xxh64.Hash(Encoding.UTF8.GetBytes($"{connector.Name}|{options.Mode}"));
        foreach (var entity in plan.Entities.Values)
        {
            hash = EntityPreparer.Mix(hash, entity.BatchHash);
        }

        foreach (var association in plan.Associations)
        {
            hash = EntityPreparer.Mix(hash, association.BatchHash);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>Diffs every entity type, then every association; a snapshot's links on the other core meanwhile.</summary>
    private async Task<ChangeSet> DiffAsync(TablePlan plan, string batchId, long version, IReadOnlyList<TableWatermark> watermarks)
    {
        // A snapshot's links need nothing from the resources' diff: they are compared on another core meanwhile.
        var delta = NativeDelta(plan);
        var snapshotLinks = delta ? null : Task.Run(() => plan.Associations.Select(LinkDiff.Snapshot).ToList());
        var entityChanges = new List<EntityTypeChanges>();
        try
        {
            foreach (var entity in plan.Entities.Values)
            {
                entityChanges.Add(delta ? DeltaDiff.Diff(entity) : SnapshotDiff.Diff(entity));
            }
        }
        catch when (snapshotLinks is not null)
        {
            // Nothing keeps comparing after the run returns.
            await ((Task)snapshotLinks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        List<AssociationChanges> associationChanges;
        if (snapshotLinks is not null)
        {
            associationChanges = await snapshotLinks.ConfigureAwait(false);
        }
        else
        {
            // A delta's links of deleted resources go with them.
            var deletedKeys = entityChanges.ToDictionary(
                static e => e.EntityType,
                static e => e.Deleted.Select(static d => d.Key).ToHashSet(StringComparer.Ordinal),
                StringComparer.OrdinalIgnoreCase);
            associationChanges = [.. plan.Associations.Select(a => LinkDiff.Delta(a, IsMonoValued(a.Association.First), IsMonoValued(a.Association.Second), deletedKeys))];
        }

        return new ChangeSet(connector.Name, options.Mode, batchId, version, engine.Time.GetUtcNow(), entityChanges, associationChanges)
        {
            Watermarks = watermarks,
        };
    }

    private bool IsMonoValued(AssociationEnd end) =>
        !engine.Model.GetEntityType(end.EntityType).FindNavigationProperty(end.NavigationProperty)!.IsMultiValued;
}

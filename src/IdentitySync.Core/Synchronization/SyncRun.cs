using System.Globalization;
using System.Runtime.InteropServices;
using IdentitySync.ChangeSets;
using IdentitySync.Connections;
using IdentitySync.Diagnostics;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>One synchronization of one connector, under its run lock.</summary>
internal sealed class SyncRun(SyncEngine engine, Connector connector, SyncRunOptions options, SyncReport report, long clock)
{
    private const string CommandColumn = "command";

    private readonly Dictionary<string, EntityPreparer> _entities = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<AssociationPreparer> _associations = [];
    private readonly List<(Connection Connection, string Table, List<string> Columns, List<Action<RowBatch, int, string>> Consumers, List<EntityPreparer> Entities)> _tables = [];
    private readonly List<TableWatermark> _readWatermarks = [];
    private IReadOnlyList<TableWatermark> _appliedWatermarks = [];
    private bool _derivedDelta;

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

        Plan();
        if (options.Mode == SyncMode.Initial)
        {
            long held = 0;
            foreach (var entity in _entities.Values)
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
            foreach (var (connection, _, _, _, _) in _tables)
            {
                if (!exports.ContainsKey(connection.Name))
                {
                    var package = engine.PackageOf(connection);
                    exports[connection.Name] = package.CreateExportConnection(connection, engine.ContextFor(connector, package, cancellationToken));
                }
            }

            return await ExecuteAsync(state, exports, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var export in exports.Values)
            {
                await export.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<SyncReport> ExecuteAsync(ConnectorState state, Dictionary<string, IExportConnection> exports, CancellationToken cancellationToken)
    {
        var readStart = engine.Time.GetTimestamp();
        using var stages = new StageSpans(connector.Name);
        stages.Start("identitysync.sync.read");
        return await ExecuteStagesAsync(state, exports, readStart, stages, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads, diffs and applies, each stage under its own span.</summary>
    private async Task<SyncReport> ExecuteStagesAsync(ConnectorState state, Dictionary<string, IExportConnection> exports, long readStart, StageSpans stages, CancellationToken cancellationToken)
    {
        var fingerprint = Incremental ? null : await FingerprintAsync(exports, cancellationToken).ConfigureAwait(false);
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

        _appliedWatermarks = state.Watermarks;
        await ReadAsync(exports, cancellationToken).ConfigureAwait(false);
        if (fingerprint is not null && !string.Equals(fingerprint, await FingerprintAsync(exports, cancellationToken).ConfigureAwait(false), StringComparison.Ordinal))
        {
            // A table changed while it was read: what was read has no fingerprint.
            fingerprint = null;
        }

        var read = engine.Time.GetElapsedTime(readStart);

        stages.Start("identitysync.sync.diff");
        var diffStart = engine.Time.GetTimestamp();
        options.Progress?.Report(new SyncProgress(connector.Name, SyncStep.Diff, null, 0));
        var batchId = BatchId();
        report = report with { BatchId = batchId };
        if (Incremental && state.IncrementalBatchIds.Contains(batchId))
        {
            return report with
            {
                Message = $"Batch {batchId} was already applied to connector '{connector.Name}'; applying it again changes nothing.",
                Durations = engine.Durations(clock, read, TimeSpan.Zero, TimeSpan.Zero),
            };
        }

        foreach (var entity in _entities.Values)
        {
            entity.QuarantineSharedUniqueKeys();
        }

        var changeSet = await DiffAsync(batchId, state.Version).ConfigureAwait(false);
        if (_entities.Values.Any(static e => e.Quarantined.Count > 0) || _associations.Any(static a => a.Quarantined.Count > 0))
        {
            // A run that quarantined rows is read again next time, so that its report lists them again.
            fingerprint = null;
        }

        // Changes an executed order asked for are expected: they do not count toward the thresholds.
        var expected = options.Mode == SyncMode.Initial ? ExpectedChanges.None : await ExpectedChanges.LoadAsync(engine.Model, connector, engine.Store, cancellationToken).ConfigureAwait(false);
        var verdicts = options.Mode == SyncMode.Initial ? [] : CheckThresholds(changeSet, expected);
        ThresholdGuard.CheckQuarantine(
            verdicts,
            connector.Name,
            connector.Thresholds,
            _entities.Values.Sum(static e => e.RowsRead) + _associations.Sum(static a => a.RowsRead),
            _entities.Values.Sum(static e => e.Quarantined.Count) + _associations.Sum(static a => a.Quarantined.Count));
        var diff = engine.Time.GetElapsedTime(diffStart);
        report = report with { EntityTypes = EntityReports(changeSet), Associations = AssociationReports(changeSet), Thresholds = verdicts, ExpectedChanges = expected.Matched };
        if (_derivedDelta)
        {
            report = report with { Message = "The connection has no native delta: the changes were derived from its complete export." };
        }

        if (verdicts.Any(static v => v.Exceeded) && !options.Force)
        {
            if (!options.DryRun)
            {
                await engine.Store.SetBlockedChangeSetAsync(connector.Name, changeSet, cancellationToken).ConfigureAwait(false);
            }

            var exceeded = verdicts.Where(static v => v.Exceeded).Select(Describe);

            // A first complete run into an empty connector is what the initial mode is for: say so.
            var first = options.Mode == SyncMode.Complete
                && verdicts.Any(static v => v.Exceeded && v.Change != ThresholdChange.Quarantined)
                && _entities.Values.All(static e => e.Stored.Count == 0)
                && _associations.All(static a => a.StoredLinks.Count == 0)
                ? $" Connector '{connector.Name}' holds nothing yet: load it with the initial mode (identitysync sync --mode initial, or SyncMode.Initial), which checks no change threshold."
                : string.Empty;
            return report with
            {
                Outcome = SyncOutcome.Blocked,
                Message = $"Blocked by {string.Join("; ", exceeded)}. Nothing was applied; inspect the change set, then resume or abandon it.{first}",
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
            foreach (var entity in _entities.Values)
            {
                entity.Release();
            }

            options.Progress?.Report(new SyncProgress(connector.Name, SyncStep.Apply, null, 0));
            stages.Start("identitysync.sync.apply");
            await engine.ApplyAsync(changeSet, state, fingerprint, cancellationToken).ConfigureAwait(false);
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

    private string Describe(ThresholdVerdict verdict)
    {
        var scope = verdict.Scope switch
        {
            ThresholdScope.Connector => $"connector {verdict.Name}",
            ThresholdScope.EntityType => $"entity type {verdict.Name}",
            _ => $"association {verdict.Name}",
        };
        if (verdict.Change == ThresholdChange.EmptyInput)
        {
            // Say which export came back empty: an empty file usually means a failed extract, not a source emptied.
            var source = verdict.Scope == ThresholdScope.EntityType && _entities.TryGetValue(verdict.Name, out var entity)
                ? $"table '{entity.Mapping.Table}' of connection '{entity.Mapping.Connection}'"
                : _associations.FirstOrDefault(a => string.Equals(a.Keys.Association, verdict.Name, StringComparison.OrdinalIgnoreCase)) is { } association
                    ? $"table '{association.Mapping.Table}' of connection '{association.Mapping.Connection}'"
                    : "its export";
            return string.Create(CultureInfo.InvariantCulture, $"{scope}: {source} gave no rows while the store holds {verdict.StoredCount} (an empty export is usually a failed extract; check it, then resume if it is right)");
        }

        var unit = verdict.IsPercent ? "%" : string.Empty;
        if (verdict.Change == ThresholdChange.Quarantined)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{scope}: {(verdict.IsPercent ? $"{verdict.Actual}% of the {verdict.StoredCount} rows read" : $"{verdict.Actual} rows")} quarantined, more than {(verdict.IsPercent ? "MaxQuarantinedPercent" : "MaxQuarantined")} {verdict.Limit}{unit} (most rows bad usually means a wrong file, encoding or separator; see the quarantined rows)");
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{scope}: {verdict.Change} {verdict.Actual}{unit} exceeds {verdict.Limit}{unit}{(verdict.IsPercent ? $" of {verdict.StoredCount}" : string.Empty)}");
    }

    private void Plan()
    {
        var native = Incremental;
        var uniqueKeys = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var mapping in connector.AssociationMappings)
        {
            var association = engine.Model.GetAssociation(mapping.Association);
            AddUnique(association.First.EntityType, mapping.First.Key);
            AddUnique(association.Second.EntityType, mapping.Second.Key);
        }

        if (Incremental && connector.EntityTypeMappings.Concat<object>(connector.AssociationMappings).Any(m => !SupportsDelta(m)))
        {
            // Without a native delta the change is derived from the complete export, as a complete run would.
            native = false;
            _derivedDelta = true;
        }

        foreach (var mapping in connector.EntityTypeMappings.Where(m => !connector.FindConnection(m.Connection)!.IsExportDeactivated))
        {
            var (columns, consumers, entities) = Table(mapping.Connection, mapping.Table);
            Add(columns, mapping.Properties.Select(static p => p.Column).Append(native ? CommandColumn : null));
            var preparer = new EntityPreparer(
                engine.Model.GetEntityType(mapping.EntityType),
                mapping,
                columns,
                native ? IndexOf(columns, CommandColumn) : -1,
                // Every unique key is indexed: links resolve through it, and rows sharing a value are quarantined.
                (uniqueKeys.GetValueOrDefault(mapping.EntityType) ?? [])
                    .Union(mapping.Properties.Where(static p => p.Key == PropertyKey.Unique).Select(static p => p.Property), StringComparer.OrdinalIgnoreCase),
                connector.MaxValueLength);
            _entities[mapping.EntityType] = preparer;
            consumers.Add(preparer.Accept);
            entities.Add(preparer);
        }

        foreach (var mapping in connector.AssociationMappings.Where(m => !connector.FindConnection(m.Connection)!.IsExportDeactivated))
        {
            var association = engine.Model.GetAssociation(mapping.Association);
            if (!_entities.TryGetValue(association.First.EntityType, out var first) || !_entities.TryGetValue(association.Second.EntityType, out var second))
            {
                continue;
            }

            var (columns, consumers, _) = Table(mapping.Connection, mapping.Table);
            Add(columns, [mapping.First.Column, mapping.Second.Column, native ? CommandColumn : null]);
            var preparer = new AssociationPreparer(
                association,
                mapping,
                first,
                second,
                IndexOf(columns, mapping.First.Column),
                IndexOf(columns, mapping.Second.Column),
                native ? IndexOf(columns, CommandColumn) : -1,
                connector.MaxValueLength);
            _associations.Add(preparer);
            consumers.Add(preparer.Accept);
        }

        void AddUnique(string entityType, string key)
        {
            if (!uniqueKeys.TryGetValue(entityType, out var keys))
            {
                uniqueKeys[entityType] = keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            if (!string.Equals(connector.FindEntityTypeMapping(entityType)?.PrimaryKey.Property, key, StringComparison.OrdinalIgnoreCase))
            {
                keys.Add(key);
            }
        }

        bool SupportsDelta(object mapping)
        {
            var connection = mapping is EntityTypeMapping e ? e.Connection : ((AssociationMapping)mapping).Connection;
            return engine.PackageOf(connector.FindConnection(connection)!).Capabilities.HasFlag(ConnectionCapabilities.ExportIncremental);
        }
    }

    private (List<string> Columns, List<Action<RowBatch, int, string>> Consumers, List<EntityPreparer> Entities) Table(string connection, string table)
    {
        foreach (var entry in _tables)
        {
            if (entry.Connection.Name == connection && string.Equals(entry.Table, table, StringComparison.OrdinalIgnoreCase))
            {
                return (entry.Columns, entry.Consumers, entry.Entities);
            }
        }

        var created = (connector.FindConnection(connection)!, table, new List<string>(), new List<Action<RowBatch, int, string>>(), new List<EntityPreparer>());
        _tables.Add(created);
        return (created.Item3, created.Item4, created.Item5);
    }

    private static void Add(List<string> columns, IEnumerable<string?> wanted)
    {
        foreach (var column in wanted)
        {
            if (column is not null && IndexOf(columns, column) < 0)
            {
                columns.Add(column);
            }
        }
    }

    private static int IndexOf(List<string> columns, string column) =>
        columns.FindIndex(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase));

    /// <summary>Loads the stored resources, then starts loading the stored links; returns that second task.</summary>
    private async Task<Task> LoadStoredAsync(CancellationToken cancellationToken)
    {
        var ordinalsById = new Dictionary<string, IdOrdinalMap>(StringComparer.OrdinalIgnoreCase);
        foreach (var entity in _entities.Values)
        {
            var ordinals = new IdOrdinalMap();
            await foreach (var resource in engine.Store.GetResourcesToCompareAsync(entity.EntityType.Name, cancellationToken).ConfigureAwait(false))
            {
                var ordinal = entity.KeyOrdinals.Intern(resource.Key);
                entity.Stored.Set(ordinal, resource);
                ordinals.Add(resource.Id, ordinal);
            }

            ordinalsById[entity.EntityType.Name] = ordinals.Seal();
        }

        // The stored links are only needed by the diff: they load on the other core while the export is read.
        return Task.Run(
            async () =>
            {
                foreach (var association in _associations)
                {
                    var firstIds = ordinalsById[association.Keys.FirstEntityType];
                    var secondIds = ordinalsById[association.Keys.SecondEntityType];
                    await foreach (var link in engine.Store.GetLinksAsync(association.Association.Name, cancellationToken).ConfigureAwait(false))
                    {
                        if (firstIds.TryGetValue(link.FirstId, out var first) && secondIds.TryGetValue(link.SecondId, out var second))
                        {
                            association.StoredLinks.Add(OrdinalPair.Pack(first, second));
                        }
                    }

                    RadixSort.Sort(CollectionsMarshal.AsSpan(association.StoredLinks));
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Loads what is stored and reads every table. Tables of packages that read them independently are
    /// read side by side, one per core, the others one after another; tables that feed only associations
    /// need nothing stored and start while the stored resources load; the stored links load in the
    /// background. Each table feeds only its own preparers; what joins them runs after all are read.
    /// </summary>
    private async Task ReadAsync(Dictionary<string, IExportConnection> exports, CancellationToken cancellationToken)
    {
        var mode = Incremental && !_derivedDelta ? ExportMode.Incremental : ExportMode.Complete;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var early = Task.CompletedTask;
        var links = Task.CompletedTask;
        try
        {
            foreach (var (_, table, _, _, _) in _tables)
            {
                options.Progress?.Report(new SyncProgress(connector.Name, SyncStep.Read, table, 0));
            }

            var concurrent = _tables.Where(t => engine.PackageOf(t.Connection).Capabilities.HasFlag(ConnectionCapabilities.ConcurrentTables)).ToList();
            var associationsOnly = concurrent.Where(static t => t.Entities.Count == 0).ToList();
            early = associationsOnly.Count == 0 ? early : Task.Run(() => ReadSideBySideAsync(associationsOnly, exports, mode, stop.Token), stop.Token);
            links = await LoadStoredAsync(stop.Token).ConfigureAwait(false);
            foreach (var table in _tables.Except(concurrent))
            {
                await ReadTableAsync(table, exports[table.Connection.Name], mode, stop.Token).ConfigureAwait(false);
            }

            await ReadSideBySideAsync([.. concurrent.Except(associationsOnly)], exports, mode, stop.Token).ConfigureAwait(false);
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
    /// Fingerprints the complete export with what shapes its reading: the engine's version, the connector's
    /// configuration and the model types it maps, and each table's columns; null when a table has none.
    /// Tables of packages that read them independently are fingerprinted side by side (hashing a large
    /// file takes a core), the others one after another.
    /// </summary>
    private async Task<string?> FingerprintAsync(Dictionary<string, IExportConnection> exports, CancellationToken cancellationToken)
    {
        var tables = new string?[_tables.Count];
        var concurrent = new List<int>();
        for (var i = 0; i < _tables.Count; i++)
        {
            if (engine.PackageOf(_tables[i].Connection).Capabilities.HasFlag(ConnectionCapabilities.ConcurrentTables))
            {
                concurrent.Add(i);
            }
            else
            {
                tables[i] = await Fingerprint(i).ConfigureAwait(false);
            }
        }

        // Started once nothing else can fail first, so that none is left running.
        await Task.WhenAll(concurrent.Select(i => Task.Run(async () => tables[i] = await Fingerprint(i).ConfigureAwait(false), cancellationToken))).ConfigureAwait(false);
        if (tables.Any(static t => t is null))
        {
            return null;
        }

        var text = new System.Text.StringBuilder();
        text.Append(typeof(SyncRun).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion).Append('\n');
        text.Append(System.Text.Json.JsonSerializer.Serialize(
            new FingerprintText(connector, _entities.Values.Select(static e => e.EntityType), _associations.Select(static a => a.Association)),
            SyncJsonContext.Default.FingerprintText)).Append('\n');
        for (var i = 0; i < _tables.Count; i++)
        {
            text.Append(_tables[i].Connection.Name).Append('|').Append(_tables[i].Table).Append('|').AppendJoin(',', _tables[i].Columns).Append('|').Append(tables[i]).Append('\n');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));

        ValueTask<string?> Fingerprint(int index) =>
            exports[_tables[index].Connection.Name].GetFingerprintAsync(new ExportRequest(_tables[index].Table, _tables[index].Columns, ExportMode.Complete), cancellationToken);
    }

    private Task ReadSideBySideAsync(
        List<(Connection Connection, string Table, List<string> Columns, List<Action<RowBatch, int, string>> Consumers, List<EntityPreparer> Entities)> tables,
        Dictionary<string, IExportConnection> exports,
        ExportMode mode,
        CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            tables,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (table, token) => await ReadTableAsync(table, exports[table.Connection.Name], mode, token).ConfigureAwait(false));

    private async Task ReadTableAsync(
        (Connection Connection, string Table, List<string> Columns, List<Action<RowBatch, int, string>> Consumers, List<EntityPreparer> Entities) entry,
        IExportConnection export,
        ExportMode mode,
        CancellationToken cancellationToken)
    {
        var (connection, table, columns, consumers, entities) = entry;
        var request = new ExportRequest(table, columns, mode) { Watermark = WatermarkOf(_appliedWatermarks, connection.Name, table)?.Value };
        var reader = await engine.OpenRetry.ExecuteAsync(
            static (state, token) => state.export.OpenTableAsync(state.request, token),
            (export, request),
            cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (reader.MissingColumns.Count > 0)
            {
                var missing = string.Join(", ", reader.MissingColumns.Select(static c => $"'{c}'"));
                if (mode == ExportMode.Complete || reader.MissingColumns.Contains(CommandColumn, StringComparer.OrdinalIgnoreCase)
                    || entities.Any(e => reader.MissingColumns.Contains(e.Mapping.PrimaryKey.Column, StringComparer.OrdinalIgnoreCase)))
                {
                    throw new ConnectionException($"{reader.Source} has no column {missing}; the mappings of table '{table}' need it.") { Kind = FailureKind.InputUnreadable };
                }

                entities.ForEach(e => e.SetMissingColumns(reader.MissingColumns));
            }

            using var batch = new RowBatch(columns.Count, engine.Options.BatchSize);
            long rows = 0;
            while (await reader.ReadAsync(batch, cancellationToken).ConfigureAwait(false))
            {
                rows += batch.Count;
                options.Progress?.Report(new SyncProgress(connector.Name, SyncStep.Read, table, rows));
                for (var row = 0; row < batch.Count; row++)
                {
                    foreach (var consume in consumers)
                    {
                        consume(batch, row, reader.Source);
                    }
                }
            }

            if (reader.Watermark is { } watermark)
            {
                lock (_readWatermarks)
                {
                    _readWatermarks.Add(new TableWatermark(connection.Name, table, watermark));
                }
            }
        }
    }

    private static TableWatermark? WatermarkOf(IReadOnlyList<TableWatermark> watermarks, string connection, string table) =>
        watermarks.FirstOrDefault(w => string.Equals(w.Connection, connection, StringComparison.OrdinalIgnoreCase) && string.Equals(w.Table, table, StringComparison.Ordinal));

    /// <summary>The watermarks once this run is applied: those read now, and the applied ones of tables that returned none.</summary>
    private List<TableWatermark> WatermarksAfterApply() =>
    [
        .. _readWatermarks.OrderBy(static w => w.Connection, StringComparer.OrdinalIgnoreCase).ThenBy(static w => w.Table, StringComparer.Ordinal),
        .. _appliedWatermarks.Where(w => WatermarkOf(_readWatermarks, w.Connection, w.Table) is null),
    ];

    private string BatchId()
    {
        // Content only, in read order: the same export gives the same id in any process.
        var hash = Xxh64.Hash(System.Text.Encoding.UTF8.GetBytes($"{connector.Name}|{options.Mode}"));
        foreach (var entity in _entities.Values)
        {
            hash = EntityPreparer.Mix(hash, entity.BatchHash);
        }

        foreach (var association in _associations)
        {
            hash = EntityPreparer.Mix(hash, association.BatchHash);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private async Task<ChangeSet> DiffAsync(string batchId, long version)
    {
        // A snapshot's links need nothing from the resources' diff: they are compared on another core meanwhile.
        var delta = Incremental && !_derivedDelta;
        var snapshotLinks = delta ? null : Task.Run(() => _associations.Select(DiffLinks).ToList());
        var entityChanges = new List<EntityTypeChanges>();
        try
        {
            foreach (var entity in _entities.Values)
            {
                entityChanges.Add(delta ? DiffDelta(entity) : DiffSnapshot(entity));
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
            associationChanges = [.. _associations.Select(a => DiffLinkDelta(a, deletedKeys))];
        }

        return new ChangeSet(connector.Name, options.Mode, batchId, version, engine.Time.GetUtcNow(), entityChanges, associationChanges)
        {
            Watermarks = WatermarksAfterApply(),
        };
    }

    private static EntityTypeChanges DiffSnapshot(EntityPreparer entity)
    {
        List<ResourceChange> inserted = [], updated = [], deleted = [];
        long unchanged = 0;
        foreach (var row in entity.Rows.Values)
        {
            if (entity.Held.Contains(row.Key))
            {
                continue;
            }

            var stored = entity.Stored[row.Ordinal];
            if (stored is null)
            {
                inserted.Add(new ResourceChange(row.Key, row.Digest, row.Values!, [], row.Line));
            }
            else
            {
                unchanged += CompareWithStored(entity.EntityType, stored, row, updated);
            }
        }

        foreach (var (ordinal, stored) in entity.Stored.Entries)
        {
            if (entity.Rows[ordinal] is null && !entity.Held.Contains(stored.Key))
            {
                deleted.Add(new ResourceChange(stored.Key, stored.Digest, stored.Values, [], 0));
            }
        }

        return new EntityTypeChanges(entity.EntityType.Name, inserted, updated, deleted, unchanged);
    }

    private static EntityTypeChanges DiffDelta(EntityPreparer entity)
    {
        List<ResourceChange> inserted = [], updated = [], deleted = [];
        long unchanged = 0;
        foreach (var row in entity.Rows.Values)
        {
            if (entity.Held.Contains(row.Key))
            {
                continue;
            }

            var stored = entity.Stored[row.Ordinal];
            switch (row.Command)
            {
                case RowCommand.Insert when stored is not null:
                    entity.Quarantine(row.Source, row.Line, row.Key, $"insert of {entity.EntityType.Name} '{row.Key}', which already exists");
                    break;
                case RowCommand.Update when stored is null:
                    entity.Quarantine(row.Source, row.Line, row.Key, $"update of {entity.EntityType.Name} '{row.Key}', which does not exist");
                    break;
                case RowCommand.Delete when stored is null:
                    entity.Quarantine(row.Source, row.Line, row.Key, $"delete of {entity.EntityType.Name} '{row.Key}', which does not exist");
                    break;
                case RowCommand.Delete:
                    deleted.Add(new ResourceChange(stored!.Key, stored.Digest, stored.Values, [], row.Line));
                    break;
                case RowCommand.Insert or RowCommand.Merge when stored is null:
                    inserted.Add(new ResourceChange(row.Key, row.Digest, row.Values!, [], row.Line));
                    break;
                default:
                    unchanged += CompareWithStored(entity.EntityType, stored!, row, updated);
                    break;
            }
        }

        return new EntityTypeChanges(entity.EntityType.Name, inserted, updated, deleted, unchanged);
    }

    /// <summary>
    /// Decides what a row of a stored key is: unchanged (returns 1), an update with the changed
    /// properties, or, when the text changed but not the values (or the digest was unknown), an update
    /// that only refreshes the stored digest (also counted unchanged).
    /// </summary>
    private static int CompareWithStored(EntityType entityType, StoredResource stored, PreparedRow row, List<ResourceChange> updated)
    {
        if (row.Values is null)
        {
            return 1;
        }

        var changes = Compare(entityType, stored, row.Values);
        if (changes.Count > 0 || stored.Digest != row.Digest)
        {
            updated.Add(new ResourceChange(row.Key, row.Digest, row.Values, changes, row.Line));
        }

        return changes.Count == 0 ? 1 : 0;
    }

    private static List<PropertyChange> Compare(EntityType entityType, StoredResource before, IReadOnlyList<object?> after)
    {
        var changes = new List<PropertyChange>();
        for (var i = 0; i < entityType.Properties.Count; i++)
        {
            // Values written under an older model read by property name (StoredValues).
            var old = before.ValueAt(entityType, i);
            if (!ValueComparer.Equals(old, after[i]))
            {
                changes.Add(new PropertyChange(entityType.Properties[i].Name, old, after[i]));
            }
        }

        return changes;
    }

    private static AssociationChanges DiffLinks(AssociationPreparer association)
    {
        // Both sides as sorted packed ordinals: one merge walk, no set of string pairs.
        var snapshot = association.Resolve(incremental: false).Links;
        RadixSort.Sort(CollectionsMarshal.AsSpan(snapshot));
        var distinct = 0;
        for (var i = 0; i < snapshot.Count; i++)
        {
            if (distinct == 0 || snapshot[distinct - 1] != snapshot[i])
            {
                snapshot[distinct++] = snapshot[i];
            }
        }

        snapshot.RemoveRange(distinct, snapshot.Count - distinct);
        var stored = association.StoredLinks;
        if (stored.Count == 0)
        {
            // A first load: every link is new (no second list of ten million pairs).
            return new AssociationChanges(association.Keys, Packed(association, snapshot), Packed(association, []), 0);
        }

        var added = new List<long>();
        var removed = new List<long>();
        int s = 0, t = 0;
        while (s < snapshot.Count || t < stored.Count)
        {
            if (t >= stored.Count || (s < snapshot.Count && snapshot[s] < stored[t]))
            {
                added.Add(snapshot[s++]);
            }
            else if (s >= snapshot.Count || stored[t] < snapshot[s])
            {
                var link = stored[t++];
                if (!association.First.Held.Contains(association.First.KeyOrdinals[OrdinalPair.First(link)])
                    && !association.Second.Held.Contains(association.Second.KeyOrdinals[OrdinalPair.Second(link)]))
                {
                    removed.Add(link);
                }
            }
            else
            {
                s++;
                t++;
            }
        }

        return new AssociationChanges(association.Keys, Packed(association, added), Packed(association, removed), stored.Count - removed.Count);
    }

    private static PackedLinkList Packed(AssociationPreparer association, List<long> links) =>
        new(links, association.First.KeyOrdinals, association.Second.KeyOrdinals);

    private AssociationChanges DiffLinkDelta(AssociationPreparer association, Dictionary<string, HashSet<string>> deletedKeys)
    {
        var links = association.StoredLinks.ToHashSet();
        var added = new HashSet<long>();
        var removed = new HashSet<long>();
        var firstMono = !engine.Model.GetEntityType(association.Keys.FirstEntityType).FindNavigationProperty(association.Association.First.NavigationProperty)!.IsMultiValued;
        var secondMono = !engine.Model.GetEntityType(association.Keys.SecondEntityType).FindNavigationProperty(association.Association.Second.NavigationProperty)!.IsMultiValued;

        // A mono-valued side holds one link: index the links by that side to find the one a new link replaces.
        var byFirst = firstMono ? Index(links, OrdinalPair.First) : null;
        var bySecond = secondMono ? Index(links, OrdinalPair.Second) : null;
        var (resolved, commands) = association.Resolve(incremental: true);
        for (var i = 0; i < resolved.Count; i++)
        {
            var link = resolved[i];
            if (commands[i] == RowCommand.Delete)
            {
                if (Remove(link) && !added.Remove(link))
                {
                    removed.Add(link);
                }

                continue;
            }

            var sameFirst = byFirst?.GetValueOrDefault(OrdinalPair.First(link)) ?? [];
            var sameSecond = bySecond?.GetValueOrDefault(OrdinalPair.Second(link)) ?? [];
            foreach (var old in sameFirst.Concat(sameSecond).Where(l => l != link).Distinct().ToList())
            {
                Remove(old);
                if (!added.Remove(old))
                {
                    removed.Add(old);
                }
            }

            if (links.Add(link))
            {
                AddToIndex(byFirst, OrdinalPair.First(link), link);
                AddToIndex(bySecond, OrdinalPair.Second(link), link);
                if (!removed.Remove(link))
                {
                    added.Add(link);
                }
            }
        }

        // Links of deleted resources go with them; name them so the report counts them.
        var firstDeleted = Ordinals(association.First, deletedKeys.GetValueOrDefault(association.Keys.FirstEntityType));
        var secondDeleted = Ordinals(association.Second, deletedKeys.GetValueOrDefault(association.Keys.SecondEntityType));
        if (firstDeleted.Count + secondDeleted.Count > 0)
        {
            foreach (var link in links.Where(l => firstDeleted.Contains(OrdinalPair.First(l)) || secondDeleted.Contains(OrdinalPair.Second(l))).ToList())
            {
                links.Remove(link);
                if (!added.Remove(link))
                {
                    removed.Add(link);
                }
            }
        }

        // In pair order, like a complete run's: the store writes them grouped by first resource.
        List<long> addedInOrder = [.. added], removedInOrder = [.. removed];
        RadixSort.Sort(CollectionsMarshal.AsSpan(addedInOrder));
        RadixSort.Sort(CollectionsMarshal.AsSpan(removedInOrder));
        return new AssociationChanges(association.Keys, Packed(association, addedInOrder), Packed(association, removedInOrder), association.StoredLinks.Count - removed.Count);

        bool Remove(long link)
        {
            if (!links.Remove(link))
            {
                return false;
            }

            byFirst?.GetValueOrDefault(OrdinalPair.First(link))?.Remove(link);
            bySecond?.GetValueOrDefault(OrdinalPair.Second(link))?.Remove(link);
            return true;
        }

        static Dictionary<int, List<long>> Index(HashSet<long> links, Func<long, int> side)
        {
            var index = new Dictionary<int, List<long>>();
            foreach (var link in links)
            {
                AddToIndex(index, side(link), link);
            }

            return index;
        }

        static void AddToIndex(Dictionary<int, List<long>>? index, int ordinal, long link)
        {
            if (index is null)
            {
                return;
            }

            if (!index.TryGetValue(ordinal, out var list))
            {
                index[ordinal] = list = [];
            }

            list.Add(link);
        }

        static HashSet<int> Ordinals(EntityPreparer entity, HashSet<string>? keys) =>
            keys is null ? [] : [.. keys.Select(entity.KeyOrdinals.Find).Where(static o => o >= 0)];
    }

    private List<ThresholdVerdict> CheckThresholds(ChangeSet changeSet, ExpectedChanges expected)
    {
        var verdicts = new List<ThresholdVerdict>();
        long storedResources = 0, inserted = 0, updated = 0, deleted = 0;
        foreach (var changes in changeSet.EntityTypes)
        {
            var entity = _entities[changes.EntityType];
            var stored = entity.Stored.Count;
            var changedRows = changes.Updated.Where(static u => u.Changes.Count > 0).ToList();
            var insertedCount = changes.Inserted.Count - expected.Inserted(entity.EntityType, entity.Mapping, changes.Inserted);
            var changed = changedRows.Count - expected.Updated(entity.Mapping, changedRows);
            var deletedCount = changes.Deleted.Count - expected.Deleted(entity.Mapping, changes.Deleted);
            storedResources += stored;
            inserted += insertedCount;
            updated += changed;
            deleted += deletedCount;
            if (!Incremental)
            {
                ThresholdGuard.CheckEmptyInput(verdicts, ThresholdScope.EntityType, changes.EntityType, stored, entity.RowsRead);
            }

            ThresholdGuard.Check(verdicts, ThresholdScope.EntityType, changes.EntityType, entity.Mapping.Thresholds, stored, insertedCount, changed, deletedCount);
        }

        long storedLinks = 0, linksInserted = 0, linksDeleted = 0;
        foreach (var changes in changeSet.Associations)
        {
            var association = _associations.First(a => a.Keys == changes.Association);
            long stored = association.StoredLinks.Count;
            var added = changes.Added.Count - expected.LinksAdded(changes.Association.Association, changes.Added);
            var removed = changes.Removed.Count - expected.LinksRemoved(changes.Association.Association, changes.Removed);
            storedLinks += stored;
            linksInserted += added;
            linksDeleted += removed;
            if (!Incremental)
            {
                ThresholdGuard.CheckEmptyInput(verdicts, ThresholdScope.Association, changes.Association.Association, stored, association.PairCount);
            }

            ThresholdGuard.Check(verdicts, ThresholdScope.Association, changes.Association.Association, association.Mapping.Thresholds, stored, added, removed);
        }

        ThresholdGuard.Check(verdicts, ThresholdScope.Connector, connector.Name, connector.Thresholds.Resources, storedResources, inserted, updated, deleted);
        ThresholdGuard.Check(verdicts, ThresholdScope.Connector, connector.Name, connector.Thresholds.Links, storedLinks, linksInserted, linksDeleted);
        return verdicts;
    }

    private IReadOnlyList<EntityTypeReport> EntityReports(ChangeSet changeSet) =>
        [.. changeSet.EntityTypes.Select(changes =>
        {
            var entity = _entities[changes.EntityType];
            return new EntityTypeReport
            {
                EntityType = changes.EntityType,
                RowsRead = entity.RowsRead,
                Inserted = changes.Inserted.Count,
                Updated = changes.Updated.Count(static u => u.Changes.Count > 0),
                Deleted = changes.Deleted.Count,
                Unchanged = changes.Unchanged,
                DuplicatesCollapsed = entity.DuplicatesCollapsed,
                Quarantined = [.. entity.Quarantined.OrderBy(static q => q.Line)],
            };
        })];

    private IReadOnlyList<AssociationReport> AssociationReports(ChangeSet changeSet) =>
        [.. changeSet.Associations.Select(changes =>
        {
            var association = _associations.First(a => a.Keys == changes.Association);
            return new AssociationReport
            {
                Association = changes.Association.Association,
                RowsRead = association.RowsRead,
                Inserted = changes.Added.Count,
                Deleted = changes.Removed.Count,
                Unchanged = changes.Unchanged,
                Quarantined = [.. association.Quarantined.OrderBy(static q => q.Line)],
            };
        })];
}

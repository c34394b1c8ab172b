using System.Globalization;
using IdentitySync.Categorization;
using IdentitySync.Connections;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// Generates orders: for each owner, what the rules of each resource type ask compared with the accounts
/// categorization gave it, skipping owners whose inputs did not change; a type over its thresholds saves
/// nothing. Repository types come first, and their orders are applied before the types they own are evaluated.
/// </summary>
/// <param name="model">The model, with the resource types' rules.</param>
/// <param name="store">The store: read, categorization and order roles (categorization runs again after repository orders).</param>
/// <param name="time">The clock.</param>
/// <param name="repository">Applies repository orders through the internal workflow.</param>
internal sealed class OrderGenerator(IdentityModel model, IResourceStore store, TimeProvider time, RepositoryApplier repository)
{
    /// <summary>How many owners' previous states are read in one store call.</summary>
    private const int StateBatch = 2_000;

    /// <summary>Up to this many changed resources (or a twentieth of the owners, if more), a generation reads by id only what they reach.</summary>
    private const int ScopeFloor = 10_000;

    /// <summary>One generation.</summary>
    /// <param name="options">How the generation runs.</param>
    /// <param name="cancellationToken">Cancels the generation; what the repository types saved and applied before it stays.</param>
    /// <returns>The report.</returns>
    public async Task<ProvisioningReport> GenerateAsync(ProvisioningRunOptions options, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var clock = time.GetTimestamp();
        var types = options.ResourceTypes is null ? model.ResourceTypes : [.. options.ResourceTypes.Select(model.GetResourceType)];
        var toSave = new List<ProvisioningOrder>();
        var states = new List<OwnerProvisioningState>();
        var summaries = new List<ResourceTypeProvisioning>();
        var blocked = new List<ProvisioningOrder>();
        var saved = new List<ProvisioningOrder>();
        var notes = new List<OwnershipNote>();
        var positions = new List<(string Consumer, ChangeFeedPosition Position)>();
        var archived = options.DryRun ? [] : await ArchiveAsync(types, started, cancellationToken).ConfigureAwait(false);

        // Repository types (identities fed by HR) first: their orders are applied in the repository at once, so that
        // the types owned by those identities see them in the same generation (a joiner's directory account).
        foreach (var group in types.GroupBy(t => model.IsRepositoryType(t.TargetEntityType)).OrderByDescending(static g => g.Key))
        {
            var graph = new ResourceGraph(model, store);
            var ordered = new GroupOrders(store);
            foreach (var type in group)
            {
                var (summary, orders, typeStates, typeNotes, position) = await GenerateTypeAsync(type, graph, ordered, started, options, cancellationToken).ConfigureAwait(false);
                summary = summary with { Archived = archived.GetValueOrDefault(type.Name) };
                summaries.Add(summary);
                if (!summary.Blocked)
                {
                    toSave.AddRange(orders);
                    states.AddRange(typeStates);
                    notes.AddRange(typeNotes);
                    if (position is not null)
                    {
                        positions.Add((Consumer(type), position));
                    }
                }
                else
                {
                    // Reported, not saved (ids stay 0): the next generation finds the same difference, and Force lets it through.
                    blocked.AddRange(orders);
                }
            }

            if (options.DryRun)
            {
                saved.AddRange(toSave);
            }
            else
            {
                var kept = await store.SaveOrdersAsync(toSave, states, cancellationToken).ConfigureAwait(false);

                // Saved after the states: a generation stopped in between sees the same changes again, and skips
                // the owners whose states it saved by their digests.
                foreach (var (consumer, position) in positions)
                {
                    await store.SetChangeFeedPositionAsync(consumer, position, cancellationToken).ConfigureAwait(false);
                }

                if (group.Key)
                {
                    var (applied, appliedNotes) = await repository.ApplyAsync([.. kept.Where(static o => o.State == OrderState.Pending)], cancellationToken).ConfigureAwait(false);
                    kept = [.. kept.Select(o => applied.GetValueOrDefault(o.Id) ?? o)];
                    notes.AddRange(appliedNotes);
                    if (applied.Count > 0)
                    {
                        // New or changed owners: their existing accounts are correlated before any Added order is considered.
                        await new CategorizationEngine(model, store, time).CategorizeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                }

                saved.AddRange(kept);
            }

            toSave.Clear();
            states.Clear();
            positions.Clear();
        }

        return new ProvisioningReport
        {
            StartedAt = started,
            DryRun = options.DryRun,
            Force = options.Force,
            ResourceTypes = summaries,
            Orders = [.. saved, .. blocked],
            Ownership = notes,
            Duration = time.GetElapsedTime(clock),
        };
    }

    /// <summary>
    /// Moves each type's orders that ended (verified, declined, in error) longer than its <c>ArchiveAfter</c>
    /// ago to the archive, before the orders are read: an archived declined order no longer holds its change back.
    /// </summary>
    private async Task<Dictionary<string, int>> ArchiveAsync(IEnumerable<ResourceType> types, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var archived = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in types)
        {
            if (type.ArchiveAfter is { } retention)
            {
                archived[type.Name] = await store.ArchiveOrdersAsync(type.Name, now - retention, cancellationToken).ConfigureAwait(false);
            }
        }

        return archived;
    }

    /// <summary>
    /// The changes since the type's last generation and the position it kept, or null when every owner must be
    /// examined: a full generation, a store without a feed, no position yet, or a position past the feed's
    /// retention or ahead of its head. (Another fingerprint, or rules given as code, are found once the evaluator is built.)
    /// </summary>
    private async Task<(ChangeFeedPosition Position, HashSet<long> Changed)?> ChangesSinceAsync(ResourceType type, ChangeFeedHead head, ProvisioningRunOptions options, CancellationToken cancellationToken) =>
        options.Full ? null : await ChangeFeedChanges.SinceAsync(store, head, Consumer(type), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Builds the type's evaluator and says which owners to examine (null: every owner). With the feed's changes and
    /// rules that read only the owner's own values, the evaluator holds only the owners the changes reach, read by id;
    /// with navigating rules it holds every owner and walks back from the changes; without usable changes, or with
    /// another fingerprint (the rules changed) or rules given as code, it holds every owner and examines them all.
    /// </summary>
    private async Task<(TypeEvaluator Evaluator, HashSet<long>? Reached)> EvaluatorAsync(ResourceType type, ResourceGraph graph, GroupOrders ordered, DateTimeOffset started, ChangeFeedHead head, ProvisioningRunOptions options, CancellationToken cancellationToken)
    {
        var since = await ChangesSinceAsync(type, head, options, cancellationToken).ConfigureAwait(false);
        if (since is { } feed && TypeEvaluator.CanScope(type, model)
            && await store.CountResourcesAsync(type.OwnerEntityType, cancellationToken).ConfigureAwait(false) is var owners
            && feed.Changed.Count <= Math.Max(ScopeFloor, owners / 20))
        {
            var scoped = await TypeEvaluator.CreateScopedAsync(model, type, new ResourceGraph(model, store), store, ordered.OfAsync, started, feed.Changed, owners, cancellationToken).ConfigureAwait(false);
            if (scoped.Fingerprint == feed.Position.Fingerprint)
            {
                return (scoped, scoped.Scope);
            }

            since = null;
        }

        var evaluator = await TypeEvaluator.CreateAsync(model, type, graph, store, await ordered.AllAsync(cancellationToken).ConfigureAwait(false), started, cancellationToken).ConfigureAwait(false);
        return since is { } changes && !evaluator.HasCodeRules && evaluator.Fingerprint == changes.Position.Fingerprint
            ? (evaluator, await evaluator.ReachedAsync(changes.Changed, cancellationToken).ConfigureAwait(false))
            : (evaluator, null);
    }

    /// <summary>The threshold a type's orders exceed, in words, or null.</summary>
    /// <param name="type">The resource type, with its thresholds.</param>
    /// <param name="orders">The orders generated for it.</param>
    /// <param name="resources">The accounts of its target entity type.</param>
    internal static string? Exceeded(ResourceType type, int orders, long resources)
    {
        var limits = type.Policies.Thresholds;
        if (limits.MaxOrders > 0 && orders > limits.MaxOrders)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{orders} orders exceed MaxOrders {limits.MaxOrders}");
        }

        if (limits.MaxOrdersPercent > 0 && resources > 0 && orders * 100.0 / resources > limits.MaxOrdersPercent)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{orders} orders for {resources} resources ({Math.Round(orders * 100.0 / resources, 2)} %) exceed MaxOrdersPercent {limits.MaxOrdersPercent} %");
        }

        return null;
    }

    /// <summary>The change feed consumer that order generation of a resource type is.</summary>
    internal static string Consumer(ResourceType type) => "provisioning:" + type.Name;

    /// <summary>
    /// Evaluates one resource type's owners whose inputs changed (all of them when the run is full): the owners the
    /// change feed reached since the type's last generation, or, without a usable position, every owner, skipping
    /// in both cases those whose input digest equals their last state's. Returns the feed position to keep once
    /// the states are saved (none for a store without a feed).
    /// </summary>
    private async Task<(ResourceTypeProvisioning Summary, List<ProvisioningOrder> Orders, List<OwnerProvisioningState> States, IReadOnlyList<OwnershipNote> Notes, ChangeFeedPosition? Position)> GenerateTypeAsync(
        ResourceType type,
        ResourceGraph graph,
        GroupOrders ordered,
        DateTimeOffset started,
        ProvisioningRunOptions options,
        CancellationToken cancellationToken)
    {
        // The feed's head is read before anything else: what commits after it is seen by the next generation.
        var head = await store.GetChangeFeedHeadAsync(cancellationToken).ConfigureAwait(false);
        var (evaluator, reached) = await EvaluatorAsync(type, graph, ordered, started, head, options, cancellationToken).ConfigureAwait(false);
        var fingerprint = evaluator.Fingerprint;

        // Without the feed, only the digests are read for every owner; with it, none. The values and links of the
        // last evaluation are read only for the owners compared again, a batch at a time (decision 85).
        var digests = new Dictionary<long, ulong>();
        if (reached is null)
        {
            await foreach (var stored in store.GetProvisioningDigestsAsync(type.Name, cancellationToken).ConfigureAwait(false))
            {
                digests[stored.OwnerId] = stored.InputDigest;
            }
        }

        var counters = new Counters();
        var orders = new List<ProvisioningOrder>();
        var states = new List<OwnerProvisioningState>();
        var batch = new List<(StoredResource Owner, ulong Digest)>(StateBatch);
        var due = new List<(StoredResource Owner, ulong Digest)>(StateBatch);
        var generated = new List<ProvisioningOrder>();
        int examined = 0, evaluated = 0;
        foreach (var owner in reached is null ? evaluator.Owners : evaluator.OwnersAmong(reached))
        {
            cancellationToken.ThrowIfCancellationRequested();
            examined++;
            var digest = evaluator.InputDigest(owner);

            // A zero digest stands for code rules, which may read anything: such an owner is never skipped.
            if (!options.Full && digest != 0 && digests.TryGetValue(owner.Id, out var before) && before == digest)
            {
                continue;
            }

            batch.Add((owner, digest));
            if (batch.Count == StateBatch)
            {
                await EvaluateAsync().ConfigureAwait(false);
            }
        }

        await EvaluateAsync().ConfigureAwait(false);

        orders.AddRange(evaluator.Orphans(counters));
        // The accounts are counted only for a percentage to compare with (a store-wide count in a scoped generation).
        var percent = type.Policies.Thresholds.MaxOrdersPercent > 0 && orders.Count > 0;
        var threshold = options.Force ? null : Exceeded(type, orders.Count, percent ? await evaluator.CountAccountsAsync(cancellationToken).ConfigureAwait(false) : 0);
        var summary = new ResourceTypeProvisioning
        {
            Name = type.Name,
            Owners = evaluator.OwnerCount,
            Examined = examined,
            Evaluated = evaluated,
            Added = counters.Added,
            Modified = counters.Modified,
            Deleted = counters.Deleted,
            NonConforming = counters.NonConforming,
            Gaps = counters.Gaps,
            WaitingForDependency = counters.WaitingForDependency,
            WaitingForReview = counters.WaitingForReview,
            Blocked = threshold is not null,
            Threshold = threshold,
            Problems = evaluator.Problems,
        };
        return (summary, orders, states, evaluator.Notes, head.Version < 0 ? null : new ChangeFeedPosition(head.Version, fingerprint));

        // Evaluates the batch's owners against what the rules asked last time. An owner's orders are about its own
        // accounts, so evaluating it after the digests of the next owners in the batch were taken changes none of them.
        async Task EvaluateAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            // Reached through the feed, an owner's digest is compared here, with its state read by id.
            List<long> known = [.. batch.Select(static b => b.Owner.Id).Where(id => reached is not null || digests.ContainsKey(id))];
            var previous = known.Count == 0
                ? []
                : (await store.GetProvisioningStatesAsync(type.Name, known, cancellationToken).ConfigureAwait(false)).ToDictionary(static s => s.OwnerId);

            // The rules are evaluated for the whole batch first (on every core when they allow it), then each owner is
            // compared in order: comparing consults the orders the owners before it made.
            due.Clear();
            foreach (var (owner, digest) in batch)
            {
                if (reached is null || options.Full || digest == 0 || previous.GetValueOrDefault(owner.Id)?.InputDigest != digest)
                {
                    due.Add((owner, digest));
                }
            }

            var desiredOfDue = evaluator.EvaluateAll([.. due.Select(static d => d.Owner)], cancellationToken);
            for (var i = 0; i < due.Count; i++)
            {
                var (owner, digest) = due[i];
                evaluated++;
                var desired = desiredOfDue[i];
                generated.Clear();
                evaluator.Compare(owner, desired, previous.GetValueOrDefault(owner.Id), counters, generated);
                orders.AddRange(generated);

                // The state remembers the inputs with this generation's orders in them: unchanged, the next run skips the owner.
                ordered.Generated(evaluator.Orders, generated);
                states.Add(evaluator.StateOf(owner, generated.Count == 0 ? digest : evaluator.InputDigest(owner), desired));
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// The orders a group of types is generated against: the stored ones and those the group made so far. Every stored
    /// order is read once, and only when an evaluator holds every owner; an evaluator scoped to the owners a change
    /// reached gets the orders of those owners and their accounts alone (decision 104), so a small generation does not
    /// read every order the store keeps.
    /// </summary>
    private sealed class GroupOrders(IOrderStore store)
    {
        private readonly List<ProvisioningOrder> _generated = [];
        private OrderIndex? _all;
        private int _generatedInAll;

        /// <summary>Every stored order, and the group's own.</summary>
        public async Task<OrderIndex> AllAsync(CancellationToken cancellationToken)
        {
            _all ??= new OrderIndex(await store.GetOrdersAsync(null, null, cancellationToken).ConfigureAwait(false));
            _all.Add(_generated.Skip(_generatedInAll));
            _generatedInAll = _generated.Count;
            return _all;
        }

        /// <summary>The stored orders about some resources, and the group's own.</summary>
        public async Task<OrderIndex> OfAsync(IReadOnlyCollection<long> resourceIds, CancellationToken cancellationToken)
        {
            var index = new OrderIndex(await store.GetOrdersOfResourcesAsync(resourceIds, cancellationToken).ConfigureAwait(false));
            index.Add(_generated);
            return index;
        }

        /// <summary>Takes in orders an evaluator just made: into the index it consults, and for the group's next types.</summary>
        public void Generated(OrderIndex consulted, IReadOnlyList<ProvisioningOrder> orders)
        {
            consulted.Add(orders);
            _generated.AddRange(orders);
            if (ReferenceEquals(consulted, _all))
            {
                _generatedInAll = _generated.Count;
            }
        }
    }
}

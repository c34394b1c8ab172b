using IdentitySync.Categorizations;
using IdentitySync.Storage;

namespace IdentitySync.Categorization;

/// <summary>
/// Categorization's first stage for one target entity type: the accounts a run examines, with their previous
/// categorizations. A full pass examines every account. A run that follows the change feed examines only those
/// that can be candidates: the accounts the feed names (new ones have no categorization yet; changed ones have a
/// new digest), the unsettled ones (suggested, ambiguous, uncategorized) and the correlated ones whose owner is
/// gone, each of these last two only when the owners changed since it was categorized (<see cref="OwnersView"/>:
/// another owners' digest, or an owner change the feed names). Either way the engine then decides each account
/// exactly as before.
/// </summary>
internal sealed class ExaminedAccounts
{
    private static readonly CategorizationStatus[] Unsettled = [.. Enum.GetValues<CategorizationStatus>().Except(
        [CategorizationStatus.Correlated, CategorizationStatus.Classified, CategorizationStatus.Reviewed, CategorizationStatus.Rejected])];

    private readonly bool _every;

    private ExaminedAccounts(IReadOnlyCollection<StoredResource> accounts, IReadOnlyDictionary<long, AccountCategorization> previous, long total, bool every)
    {
        Accounts = accounts;
        Previous = previous;
        Total = total;
        _every = every;
    }

    /// <summary>Gets the accounts examined.</summary>
    public IReadOnlyCollection<StoredResource> Accounts { get; }

    /// <summary>Gets the previous categorizations of the accounts examined (every categorization of the type, in a full pass).</summary>
    public IReadOnlyDictionary<long, AccountCategorization> Previous { get; }

    /// <summary>Gets how many accounts the type has: those not examined are kept as they are.</summary>
    public long Total { get; }

    /// <summary>
    /// Every account of the type, and every categorization; the owners, which a pass over every account reads too, are
    /// read meanwhile (the three reads side by side, <see cref="ResourceGraph.ReadSideBySideAsync"/>).
    /// </summary>
    public static async Task<ExaminedAccounts> AllAsync(ResourceGraph graph, ICategorizationStore store, string targetType, IReadOnlyCollection<string> ownerTypes, CancellationToken cancellationToken)
    {
        var categorizations = Task.Run(() => store.GetCategorizationsAsync(targetType, cancellationToken).AsTask(), cancellationToken);
        await graph.ReadSideBySideAsync([targetType, .. ownerTypes], [categorizations], cancellationToken).ConfigureAwait(false);
        var accounts = await graph.ResourcesAsync(targetType, cancellationToken).ConfigureAwait(false);
        var existing = (await categorizations.ConfigureAwait(false)).ToDictionary(static c => c.ResourceId);
        return new ExaminedAccounts(accounts.Values, existing, accounts.Count, every: true);
    }

    /// <summary>
    /// The accounts that can be candidates after the changes the feed names. With <paramref name="scoped"/> they are read
    /// by id and the graph holds only them (the rules read no other account); otherwise the graph reads every account.
    /// </summary>
    /// <param name="graph">The graph the rules evaluate over.</param>
    /// <param name="store">The store.</param>
    /// <param name="targetType">The accounts' entity type.</param>
    /// <param name="changed">The resources changed since the last categorization.</param>
    /// <param name="changedResources">
    /// With <paramref name="scoped"/>, those of <paramref name="changed"/> still stored, already read by id (the accounts
    /// among them are not read again); otherwise null.
    /// </param>
    /// <param name="owners">What the run knows of the owners: whether they changed since an account was categorized.</param>
    /// <param name="scoped">Whether only the accounts examined are read.</param>
    /// <param name="total">How many accounts the type has (<see cref="IResourceReader.CountResourcesAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<ExaminedAccounts> ChangedAsync(ResourceGraph graph, ICategorizationStore store, string targetType, IReadOnlySet<long> changed, IReadOnlyList<StoredResource>? changedResources, OwnersView owners, bool scoped, long total, CancellationToken cancellationToken)
    {
        var previous = new Dictionary<long, AccountCategorization>();
        foreach (var query in (CategorizationQuery[])[
            new(targetType) { Statuses = Unsettled },
            new(targetType) { Statuses = [CategorizationStatus.Correlated], OwnerMissing = true }])
        {
            foreach (var categorization in await store.GetCategorizationsAsync(query, cancellationToken).ConfigureAwait(false))
            {
                previous[categorization.ResourceId] = categorization;
            }
        }

        // An unsettled or orphaned account categorized under today's owners, and not changed since, stays as it is: not read.
        var wanted = previous.Values.Where(owners.ChangedSince).Select(static c => c.ResourceId).ToHashSet();
        List<StoredResource> accounts;
        if (scoped)
        {
            ArgumentNullException.ThrowIfNull(changedResources);
            bool IsAccount(StoredResource r) => string.Equals(r.EntityType, targetType, StringComparison.OrdinalIgnoreCase);
            accounts = [.. changedResources.Where(IsAccount)];
            wanted.ExceptWith(changed);
            if (wanted.Count > 0)
            {
                accounts.AddRange((await store.GetResourcesByIdAsync(wanted, cancellationToken).ConfigureAwait(false)).Where(IsAccount));
            }

            graph.Scope(targetType, accounts);
        }
        else
        {
            wanted.UnionWith(changed.Where(id => !owners.Exists(id)));
            var every = await graph.ResourcesAsync(targetType, cancellationToken).ConfigureAwait(false);
            accounts = [.. wanted.Select(every.GetValueOrDefault).OfType<StoredResource>()];
        }

        // The changed accounts' own categorizations (none for a new account).
        var unread = accounts.Select(static a => a.Id).Where(id => !previous.ContainsKey(id)).ToList();
        if (unread.Count > 0)
        {
            foreach (var categorization in await store.GetCategorizationsAsync(new CategorizationQuery(targetType) { ResourceIds = unread }, cancellationToken).ConfigureAwait(false))
            {
                previous[categorization.ResourceId] = categorization;
            }
        }

        return new ExaminedAccounts(accounts, previous, total, every: false);
    }

    /// <summary>
    /// The accounts examined in key order, the order every run decides them in (which account of an owner is held
    /// first). Read whole they usually come in that order already (a first load writes its new keys in order, and ids
    /// follow), and are then not sorted again: a million keys took half a second to sort.
    /// </summary>
    public IEnumerable<StoredResource> InKeyOrder()
    {
        string? last = null;
        foreach (var account in Accounts)
        {
            if (last is not null && string.CompareOrdinal(last, account.Key) > 0)
            {
                return Accounts.OrderBy(static a => a.Key, StringComparer.Ordinal);
            }

            last = account.Key;
        }

        return Accounts;
    }

    /// <summary>
    /// The accounts each of some owners holds, by resource type (correlated or reviewed): from every categorization in
    /// a full pass, read by owner otherwise.
    /// </summary>
    public async Task<HeldAccounts> HeldAsync(ICategorizationStore store, string targetType, IEnumerable<long> owners, CancellationToken cancellationToken)
    {
        IEnumerable<AccountCategorization> holding = Previous.Values;
        if (!_every)
        {
            var ids = owners.ToHashSet();
            holding = ids.Count == 0
                ? []
                : await store.GetCategorizationsAsync(new CategorizationQuery(targetType) { OwnerIds = ids, Statuses = [CategorizationStatus.Correlated, CategorizationStatus.Reviewed] }, cancellationToken).ConfigureAwait(false);
        }

        // A full pass holds about one owner per account: room made once, not through twenty sizes.
        var held = new HeldAccounts(_every ? Accounts.Count : 0);
        foreach (var c in holding.Where(static c => c.OwnerId is not null && c.ResourceType is not null && c.Status is CategorizationStatus.Correlated or CategorizationStatus.Reviewed))
        {
            held.Hold(c.ResourceType!, c.OwnerId!.Value, c.ResourceId);
        }

        return held;
    }
}

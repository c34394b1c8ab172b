using System.Text;
using IdentitySync.Categorizations;
using IdentitySync.Internal;
using IdentitySync.Storage;

namespace IdentitySync.Categorization;

/// <summary>
/// What a categorization knows of the owners of one target entity type: the digest its results keep, whether the
/// owners changed since an account's previous categorization, and whether an owner still exists.
/// <para>
/// A run that reads every account reads every owner too: the digest is an order-independent sum over them, and an
/// account's owners changed when its categorization keeps another sum. A run that follows the change feed and reads
/// accounts by id learns from the feed instead (decision 111): the owners changed when the feed names an owner, or a
/// resource no longer stored (a deleted one may have been an owner). Each run that follows the feed examines every
/// unsettled account when the owners changed since its position, so "since the position" is "since that account was
/// last categorized". Its digest is a token of the feed's head, unlike any sum, so that a later full read examines
/// those accounts again rather than trust it. Only the owners the examined accounts were correlated to are looked up.
/// </para>
/// </summary>
internal sealed class OwnersView
{
    // What a feed run's token is hashed from besides the head's version.
    private static readonly ulong TokenSeed = Xxh64.Hash(Encoding.UTF8.GetBytes("owners as of the feed's head"));

    private readonly HashSet<long> _existing;
    private readonly HashSet<string> _ownerTypes;
    private readonly bool? _changedSinceFeedPosition;

    private OwnersView(ulong digest, HashSet<long> existing, HashSet<string> ownerTypes, bool? changedSinceFeedPosition)
    {
        Digest = digest;
        _existing = existing;
        _ownerTypes = ownerTypes;
        _changedSinceFeedPosition = changedSinceFeedPosition;
    }

    /// <summary>Gets the digest the run's results keep.</summary>
    public ulong Digest { get; }

    /// <summary>Every owner, read whole: their digest and ids.</summary>
    /// <param name="graph">The graph that reads (and keeps) the owners.</param>
    /// <param name="ownerTypes">The owners' entity types.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<OwnersView> ReadAllAsync(ResourceGraph graph, IReadOnlyCollection<string> ownerTypes, CancellationToken cancellationToken)
    {
        ulong digest = 0;
        var existing = new HashSet<long>();
        foreach (var ownerType in ownerTypes.Order(StringComparer.OrdinalIgnoreCase))
        {
            foreach (var owner in (await graph.ResourcesAsync(ownerType, cancellationToken).ConfigureAwait(false)).Values)
            {
                // Order-independent: a sum of per-owner hashes.
                digest += Xxh64.Hash(owner.Id, owner.Digest);
                existing.Add(owner.Id);
            }
        }

        return new OwnersView(digest, existing, Types(ownerTypes), changedSinceFeedPosition: null);
    }

    /// <summary>What the change feed says of the owners: whether any of the resources it names since the position is (or was) one.</summary>
    /// <param name="ownerTypes">The owners' entity types.</param>
    /// <param name="changed">The ids the feed names since the position.</param>
    /// <param name="changedResources">The resources of those ids still stored.</param>
    /// <param name="head">The feed's head the run read first.</param>
    public static OwnersView FromFeed(IReadOnlyCollection<string> ownerTypes, IReadOnlySet<long> changed, IReadOnlyList<StoredResource> changedResources, ChangeFeedHead head)
    {
        var types = Types(ownerTypes);
        var existing = new HashSet<long>();
        foreach (var resource in changedResources)
        {
            if (types.Contains(resource.EntityType))
            {
                existing.Add(resource.Id);
            }
        }

        // A changed owner, or an id no longer stored: deleted, and of a type nobody can tell any more.
        var ownersChanged = existing.Count > 0 || changedResources.Count < changed.Count;
        return new OwnersView(Xxh64.Hash(head.Version, TokenSeed), existing, types, ownersChanged);
    }

    /// <summary>Gets a value indicating whether owner changes come from the feed (<see cref="FromFeed"/>): the digest is then never compared.</summary>
    public bool FollowsFeed => _changedSinceFeedPosition is not null;

    /// <summary>Whether the owners changed since an account's previous categorization.</summary>
    /// <param name="previous">The account's previous categorization.</param>
    public bool ChangedSince(AccountCategorization previous) => _changedSinceFeedPosition ?? previous.OwnersDigest != Digest;

    /// <summary>Whether an owner is still stored (a gone owner's account may go to another, a rehire, when the owners change).</summary>
    /// <param name="ownerId">The owner's id: one read whole, named by the feed, or looked up with <see cref="LookUpAsync"/>.</param>
    public bool Exists(long ownerId) => _existing.Contains(ownerId);

    /// <summary>Looks up owners by id, for <see cref="Exists"/> (nothing to do after a whole read).</summary>
    /// <param name="store">The store.</param>
    /// <param name="ownerIds">The owners the examined accounts were correlated to.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task LookUpAsync(IResourceReader store, IEnumerable<long> ownerIds, CancellationToken cancellationToken)
    {
        if (!FollowsFeed)
        {
            return;
        }

        var unknown = ownerIds.Where(id => !_existing.Contains(id)).ToHashSet();
        if (unknown.Count == 0)
        {
            return;
        }

        foreach (var resource in await store.GetResourcesByIdAsync(unknown, cancellationToken).ConfigureAwait(false))
        {
            if (_ownerTypes.Contains(resource.EntityType))
            {
                _existing.Add(resource.Id);
            }
        }
    }

    private static HashSet<string> Types(IReadOnlyCollection<string> ownerTypes) => new(ownerTypes, StringComparer.OrdinalIgnoreCase);
}

using IdentitySync.Categorizations;
using IdentitySync.Orders;

namespace IdentitySync.Storage;

/// <summary>
/// What a store records in its change feed for writes other than change sets (<see cref="IChangeFeedStore"/>),
/// so that every store records the same ids.
/// </summary>
public static class ChangeFeedEntries
{
    /// <summary>
    /// The resources a saved categorization reaches: the account, and its owner and candidates before and after
    /// (an account that moves to another owner changes what both are evaluated with).
    /// </summary>
    /// <param name="saved">The categorization saved.</param>
    /// <param name="previousOwner">The owner the account had before, if any.</param>
    /// <param name="previousCandidates">The candidates it had before.</param>
    /// <returns>The ids, possibly repeated.</returns>
    public static IEnumerable<long> OfCategorization(AccountCategorization saved, long? previousOwner, IEnumerable<long> previousCandidates)
    {
        var ids = new List<long>();
        AddOfCategorization(ids, saved, previousOwner, previousCandidates);
        return ids;
    }

    /// <summary>
    /// Adds to a list the ids <see cref="OfCategorization"/> gives, without an enumerator per categorization: a first
    /// categorization saves a million of them.
    /// </summary>
    /// <param name="into">The list the ids are added to.</param>
    /// <param name="saved">The categorization saved.</param>
    /// <param name="previousOwner">The owner the account had before, if any.</param>
    /// <param name="previousCandidates">The candidates it had before.</param>
    public static void AddOfCategorization(List<long> into, AccountCategorization saved, long? previousOwner, IEnumerable<long> previousCandidates)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(previousCandidates);
        into.Add(saved.ResourceId);
        if (saved.OwnerId is { } owner)
        {
            into.Add(owner);
        }

        if (previousOwner is { } before)
        {
            into.Add(before);
        }

        into.AddRange(saved.Candidates);
        into.AddRange(previousCandidates);
    }

    /// <summary>
    /// The resource a saved order reaches, when the order existed before (a state, an attempt, a review changed): its
    /// account, which reaches the owner through the resource type that categorized it, or its owner for an order
    /// without an account (an <c>Added</c> order). None for a new order, whose effect its generation keeps in the
    /// owner's state.
    /// </summary>
    /// <param name="order">The order saved (or archived).</param>
    /// <returns>The ids.</returns>
    public static IEnumerable<long> OfOrder(ProvisioningOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Id == 0)
        {
            yield break;
        }

        if (order.Resource is { } resource)
        {
            yield return resource.Id;
        }
        else if (order.Owner is { } owner)
        {
            yield return owner.Id;
        }
    }

    /// <summary>
    /// The ids a write touched, ascending and each once, as a store records them: the feed's primary key then grows
    /// at its end instead of taking the ids in a hash's order.
    /// </summary>
    /// <param name="ids">The ids, in any order, any number of times.</param>
    /// <returns>The distinct ids, ascending, at the start of one array.</returns>
    public static ArraySegment<long> SortedDistinct(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        long[] sorted = ids is HashSet<long> set ? [.. set] : [.. ids];
        Array.Sort(sorted);
        var count = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (count == 0 || sorted[i] != sorted[count - 1])
            {
                sorted[count++] = sorted[i];
            }
        }

        return new ArraySegment<long>(sorted, 0, count);
    }
}

using System.Runtime.InteropServices;
using IdentitySync.Categorizations;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// The accounts of one resource type an owner holds, with their categorizations: almost every owner holds one, kept
/// without a list (a million owners held a million lists and their arrays for a whole generation). Enumerated
/// without allocating.
/// </summary>
internal struct OwnedAccounts
{
    private (StoredResource Account, AccountCategorization Categorization) _first;
    private List<(StoredResource Account, AccountCategorization Categorization)>? _more;

    /// <summary>Gets how many accounts the owner holds.</summary>
    public readonly int Count => _first.Account is null ? 0 : 1 + (_more?.Count ?? 0);

    /// <summary>Adds an account to an owner's, in a dictionary by owner.</summary>
    public static void Add(Dictionary<long, OwnedAccounts> byOwner, long owner, StoredResource account, AccountCategorization categorization)
    {
        ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(byOwner, owner, out _);
        if (held._first.Account is null)
        {
            held._first = (account, categorization);
        }
        else
        {
            (held._more ??= []).Add((account, categorization));
        }
    }

    public readonly Enumerator GetEnumerator() => new(this);

    /// <summary>Walks the first account, then the others.</summary>
    public struct Enumerator(OwnedAccounts accounts)
    {
        private int _index = -1;

        public readonly (StoredResource Account, AccountCategorization Categorization) Current =>
            _index == 0 ? accounts._first : accounts._more![_index - 1];

        public bool MoveNext() => ++_index < accounts.Count;
    }
}

using System.Runtime.InteropServices;

namespace IdentitySync.Categorization;

/// <summary>
/// Who holds an account of each resource type, for the types that allow one per owner: whether an owner holds another
/// account of the type than a given one is all that is asked, so two distinct accounts per owner and type are kept, not
/// a set (a million owners, a million sets, cost a full pass seconds).
/// </summary>
internal sealed class HeldAccounts
{
    private readonly Dictionary<(string Type, long Owner), (long First, long Second)> _held;

    /// <summary>Initializes a new instance of the <see cref="HeldAccounts"/> class.</summary>
    /// <param name="capacity">How many owners and types to make room for at once (a full pass: about one per account).</param>
    public HeldAccounts(int capacity = 0) => _held = new(capacity);

    /// <summary>Records that an owner holds an account of a type.</summary>
    public void Hold(string type, long owner, long account)
    {
        ref var accounts = ref CollectionsMarshal.GetValueRefOrAddDefault(_held, (type, owner), out var exists);
        if (!exists)
        {
            accounts = (account, 0);
        }
        else if (accounts.First != account && accounts.Second == 0)
        {
            accounts.Second = account;
        }
    }

    /// <summary>Whether an owner holds an account of a type other than <paramref name="account"/>.</summary>
    public bool HoldsAnother(string type, long owner, long account) =>
        _held.TryGetValue((type, owner), out var accounts) && (accounts.First != account || (accounts.Second != 0 && accounts.Second != account));
}

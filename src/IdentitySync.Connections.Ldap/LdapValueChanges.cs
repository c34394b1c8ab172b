using System.DirectoryServices.Protocols;

namespace IdentitySync.Connections.Ldap;

/// <summary>
/// Adds and removes values of one attribute of one entry (a group's <c>member</c>): in modify requests of at
/// most <see cref="ValuesPerModify"/> values, each retried value by value when one was already there or
/// already gone, so that a retried order is harmless.
/// </summary>
internal static class LdapValueChanges
{
    /// <summary>The most values of one attribute a modify request adds or removes.</summary>
    public const int ValuesPerModify = 1000;

    /// <summary>Adds <paramref name="added"/> to and removes <paramref name="removed"/> from the attribute of entry <paramref name="dn"/>.</summary>
    public static async Task ApplyAsync(LdapSession session, string dn, string attribute, List<string> added, List<string> removed, CancellationToken cancellationToken)
    {
        foreach (var (addedPart, removedPart) in Batches(added, removed, ValuesPerModify))
        {
            try
            {
                await session.SendAsync<ModifyResponse>(ModifyOf(dn, attribute, addedPart, removedPart), cancellationToken).ConfigureAwait(false);
            }
            catch (DirectoryOperationException exception) when (exception.Response?.ResultCode is ResultCode.AttributeOrValueExists or ResultCode.NoSuchAttribute)
            {
                // One value was already there (or already gone): apply them one by one, so a retried order is harmless.
                foreach (var value in addedPart)
                {
                    await TryChangeAsync(session, ModifyOf(dn, attribute, [value], []), ResultCode.AttributeOrValueExists, cancellationToken).ConfigureAwait(false);
                }

                foreach (var value in removedPart)
                {
                    await TryChangeAsync(session, ModifyOf(dn, attribute, [], [value]), ResultCode.NoSuchAttribute, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// The values to add and remove as modify requests of at most <paramref name="perRequest"/> values:
    /// one request when they fit (the change is atomic), else additions before removals, so that a group
    /// whose schema requires a member is never left empty in between. Active Directory refuses a request
    /// changing more than about 5,000 values of one attribute (an administrative limit), and smaller
    /// requests keep each server transaction short.
    /// </summary>
    public static IEnumerable<(List<string> Added, List<string> Removed)> Batches(List<string> added, List<string> removed, int perRequest)
    {
        if (added.Count + removed.Count <= perRequest)
        {
            yield return (added, removed);
            yield break;
        }

        for (var start = 0; start < added.Count; start += perRequest)
        {
            yield return (added.GetRange(start, Math.Min(perRequest, added.Count - start)), []);
        }

        for (var start = 0; start < removed.Count; start += perRequest)
        {
            yield return ([], removed.GetRange(start, Math.Min(perRequest, removed.Count - start)));
        }
    }

    private static async Task TryChangeAsync(LdapSession session, ModifyRequest request, ResultCode done, CancellationToken cancellationToken)
    {
        try
        {
            await session.SendAsync<ModifyResponse>(request, cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryOperationException exception) when (exception.Response?.ResultCode == done)
        {
        }
    }

    private static ModifyRequest ModifyOf(string dn, string attribute, List<string> added, List<string> removed)
    {
        var request = new ModifyRequest(dn);
        if (removed.Count > 0)
        {
            request.Modifications.Add(new DirectoryAttributeModification { Name = attribute, Operation = DirectoryAttributeOperation.Delete });
            foreach (var value in removed)
            {
                ((DirectoryAttributeModification)request.Modifications[^1]).Add(value);
            }
        }

        if (added.Count > 0)
        {
            var modification = new DirectoryAttributeModification { Name = attribute, Operation = DirectoryAttributeOperation.Add };
            foreach (var value in added)
            {
                modification.Add(value);
            }

            request.Modifications.Add(modification);
        }

        return request;
    }
}

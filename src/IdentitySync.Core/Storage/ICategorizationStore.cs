using IdentitySync.Categorizations;

namespace IdentitySync.Storage;

/// <summary>Keeps categorizations: which owner and resource type each account has.</summary>
public interface ICategorizationStore : IResourceReader
{
    /// <summary>Keeps categorizations, replacing those of the same accounts.</summary>
    /// <param name="categorizations">The categorizations.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when they are saved, all or none.</returns>
    ValueTask SaveCategorizationsAsync(IReadOnlyList<AccountCategorization> categorizations, CancellationToken cancellationToken);

    /// <summary>Reads the categorizations of an entity type's accounts; deleting an account deletes its categorization.</summary>
    /// <param name="entityType">The accounts' entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The categorizations, in no particular order.</returns>
    ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(string entityType, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the categorizations a query names: some accounts, the accounts of some owners, those in some statuses
    /// (through indexes, so a generation reads what a few thousand owners need, not a million rows), those whose owner
    /// is gone. The default filters <see cref="GetCategorizationsAsync(string, CancellationToken)"/> and looks the owners
    /// up with <see cref="IResourceReader.GetResourcesByIdAsync"/>.
    /// </summary>
    /// <param name="query">The entity type and the filters.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The categorizations, in no particular order.</returns>
    async ValueTask<IReadOnlyList<AccountCategorization>> GetCategorizationsAsync(CategorizationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var found = (await GetCategorizationsAsync(query.EntityType, cancellationToken).ConfigureAwait(false)).Where(query.Matches).ToList();
        if (query.OwnerMissing && found.Count > 0)
        {
            var owners = (await GetResourcesByIdAsync([.. found.Select(static c => c.OwnerId!.Value).Distinct()], cancellationToken).ConfigureAwait(false))
                .Select(static r => r.Id)
                .ToHashSet();
            found.RemoveAll(c => owners.Contains(c.OwnerId!.Value));
        }

        return found;
    }

    /// <summary>Counts the categorizations a query names. The default counts what <see cref="GetCategorizationsAsync(CategorizationQuery, CancellationToken)"/> reads.</summary>
    /// <param name="query">The entity type and the filters.</param>
    /// <param name="cancellationToken">Stops the count.</param>
    /// <returns>How many there are.</returns>
    async ValueTask<long> CountCategorizationsAsync(CategorizationQuery query, CancellationToken cancellationToken) =>
        (await GetCategorizationsAsync(query, cancellationToken).ConfigureAwait(false)).Count;

}

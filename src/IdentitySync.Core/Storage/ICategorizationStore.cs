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

}

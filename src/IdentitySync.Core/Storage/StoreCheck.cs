using System.Globalization;
using IdentitySync.Model;

namespace IdentitySync.Storage;

/// <summary>
/// Verifies a store against a model: the store's own integrity check (when it has one, see
/// <see cref="IStoreIntegrityCheck"/>), then what every store must keep true whatever happened to it
/// (a kill, a full disk, a bad input): every link's two ends exist, in the right entity types; ids and
/// keys are unique, keys are printable and found by their index; counts agree with what is read; each
/// connector's version and blocked change set agree.
/// </summary>
public static class StoreCheck
{
    /// <summary>The most problems a result lists; the rest are counted.</summary>
    public const int MaxProblemsListed = 100;

    /// <summary>Checks a store.</summary>
    /// <param name="model">The model whose entity types, associations and connectors are checked.</param>
    /// <param name="store">The store.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>What was checked and every problem found.</returns>
    public static async Task<StoreCheckResult> RunAsync(IdentityModel model, IResourceStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        var problems = new Problems();
        if (store is IStoreIntegrityCheck integrity)
        {
            foreach (var problem in await integrity.CheckIntegrityAsync(cancellationToken).ConfigureAwait(false))
            {
                problems.Add(problem);
            }

            if (problems.Count > 0)
            {
                // A damaged file cannot be read reliably: what it holds is not checked until it is repaired.
                return new StoreCheckResult(problems.Listed, problems.Count, 0, 0, 0);
            }
        }

        var ids = new Dictionary<string, HashSet<long>>(StringComparer.OrdinalIgnoreCase);
        var allIds = new HashSet<long>();
        long resources = 0;
        foreach (var entityType in model.EntityTypes)
        {
            var mine = ids[entityType.Name] = [];
            var keys = new HashSet<string>(StringComparer.Ordinal);
            long read = 0;
            await foreach (var resource in store.GetResourcesAsync(entityType.Name, cancellationToken).ConfigureAwait(false))
            {
                read++;
                if (!allIds.Add(resource.Id))
                {
                    problems.Add($"{Name(resource)}: its id is also another resource's");
                }

                mine.Add(resource.Id);
                if (resource.Key.Length == 0)
                {
                    problems.Add($"{Name(resource)}: its key is empty");
                }
                else if (PrintableText.IndexOfUnprintable(resource.Key) >= 0)
                {
                    problems.Add($"{Name(resource)}: its key holds a control character, which synchronization quarantines");
                }

                if (!keys.Add(resource.Key))
                {
                    problems.Add($"{Name(resource)}: another {entityType.Name} has the same key");
                    continue;
                }

                var found = await store.FindResourceAsync(entityType.Name, resource.Key, cancellationToken).ConfigureAwait(false);
                if (found?.Id != resource.Id)
                {
                    problems.Add($"{Name(resource)}: looking its key up finds {(found is null ? "nothing" : $"id {found.Id.ToString(CultureInfo.InvariantCulture)}")}");
                }
            }

            var counted = await store.CountResourcesAsync(entityType.Name, cancellationToken).ConfigureAwait(false);
            if (counted != read)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{entityType.Name}: {read} resources read, but the store counts {counted}"));
            }

            resources += read;
        }

        long links = 0;
        foreach (var association in model.Associations)
        {
            var pairs = new HashSet<StoredLink>();
            long read = 0;
            await foreach (var link in store.GetLinksAsync(association.Name, cancellationToken).ConfigureAwait(false))
            {
                read++;
                var name = string.Create(CultureInfo.InvariantCulture, $"{association.Name} link {link.FirstId} → {link.SecondId}");
                if (!ids[association.First.EntityType].Contains(link.FirstId))
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: no {association.First.EntityType} has id {link.FirstId}"));
                }

                if (!ids[association.Second.EntityType].Contains(link.SecondId))
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: no {association.Second.EntityType} has id {link.SecondId}"));
                }

                if (!pairs.Add(link))
                {
                    problems.Add($"{name}: stored twice");
                }
            }

            var counted = await store.CountLinksAsync(association.Name, cancellationToken).ConfigureAwait(false);
            if (counted != read)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{association.Name}: {read} links read, but the store counts {counted}"));
            }

            links += read;
        }

        foreach (var connector in model.Connectors)
        {
            var state = await store.GetConnectorStateAsync(connector.Name, cancellationToken).ConfigureAwait(false);
            if (state.Version < 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"connector {connector.Name}: version {state.Version} is negative"));
            }

            if (state.Blocked is { } blocked)
            {
                if (!string.Equals(blocked.Connector, connector.Name, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"connector {connector.Name}: its blocked change set belongs to connector {blocked.Connector}");
                }

                if (blocked.BaseVersion > state.Version)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"connector {connector.Name}: its blocked change set was staged at version {blocked.BaseVersion}, after the connector's version {state.Version}"));
                }
            }
        }

        return new StoreCheckResult(problems.Listed, problems.Count, resources, links, model.Connectors.Count);
    }

    // Built only for a problem: a store of millions of resources is read without a string per resource.
    private static string Name(StoredResource resource) =>
        $"{resource.EntityType} '{PrintableText.Escape(resource.Key)}' (id {resource.Id.ToString(CultureInfo.InvariantCulture)})";

    private sealed class Problems
    {
        public List<string> Listed { get; } = [];

        public long Count { get; private set; }

        public void Add(string problem)
        {
            Count++;
            if (Listed.Count < MaxProblemsListed)
            {
                Listed.Add(problem);
            }
        }
    }
}

/// <summary>What <see cref="StoreCheck"/> found.</summary>
/// <param name="Problems">The first <see cref="StoreCheck.MaxProblemsListed"/> problems, each naming what is wrong.</param>
/// <param name="ProblemCount">How many problems there are in all.</param>
/// <param name="Resources">The resources checked.</param>
/// <param name="Links">The links checked.</param>
/// <param name="Connectors">The connectors whose state was checked.</param>
public sealed record StoreCheckResult(IReadOnlyList<string> Problems, long ProblemCount, long Resources, long Links, int Connectors)
{
    /// <summary>Gets a value indicating whether the store passed every check.</summary>
    public bool IsConsistent => ProblemCount == 0;
}

/// <summary>A store that can check its own files or tables, below what <see cref="StoreCheck"/> reads through the storage roles.</summary>
public interface IStoreIntegrityCheck
{
    /// <summary>Runs the store's integrity check, such as SQLite's <c>PRAGMA integrity_check</c>.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The problems found; empty when the store is sound.</returns>
    ValueTask<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken cancellationToken);
}

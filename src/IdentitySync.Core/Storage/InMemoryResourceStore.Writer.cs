using IdentitySync.ChangeSets;

namespace IdentitySync.Storage;

/// <summary>The in-memory store's writer: one apply on copies of what it touches, swapped in at commit.</summary>
public sealed partial class InMemoryResourceStore
{
    private sealed class Writer(InMemoryResourceStore store, string connector, long expectedVersion) : IChangeSetWriter
    {
        private readonly Dictionary<string, Dictionary<string, StoredResource>> _resources = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, HashSet<StoredLink>> _links = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<(string EntityType, long Id)> _deleted = [];
        private readonly List<(string EntityType, string Key, IReadOnlyList<PropertySource> Sources)> _sources = [];
        private readonly Dictionary<long, string> _layouts = [];
        private readonly HashSet<long> _touched = [];
        private bool _done;

        public ValueTask SaveLayoutAsync(long id, string layout, CancellationToken cancellationToken)
        {
            _layouts.TryAdd(id, layout);
            return ValueTask.CompletedTask;
        }

        public ValueTask SetSourcesAsync(string entityType, string key, IReadOnlyList<PropertySource> sources, CancellationToken cancellationToken)
        {
            var resource = Resources(entityType).GetValueOrDefault(key)
                ?? throw new StoreConflictException($"{entityType} '{key}' does not exist; its sources cannot be recorded.");
            _sources.Add((entityType, resource.Key, [.. sources.Select(s => s with { ResourceId = resource.Id })]));
            _touched.Add(resource.Id);
            return ValueTask.CompletedTask;
        }

        // Each call is checked whole before it changes anything: a refused call writes none of its rows, as a call to
        // a durable store does (PostgreSQL undoes it to a savepoint, SQLite finds every key first).
        public ValueTask InsertAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
        {
            var table = Resources(entityType);
            var given = new HashSet<string>(table.Comparer);
            foreach (var resource in resources)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (table.ContainsKey(resource.Key) || !given.Add(resource.Key))
                {
                    throw new StoreConflictException($"{entityType} '{resource.Key}' already exists; it cannot be inserted again.");
                }
            }

            foreach (var resource in resources)
            {
                var id = Interlocked.Increment(ref store._nextId) - 1;
                table[resource.Key] = new StoredResource(id, entityType, resource.Key, resource.Digest, resource.Values);
                _touched.Add(id);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask UpdateAsync(string entityType, IReadOnlyList<ResourceChange> resources, CancellationToken cancellationToken)
        {
            var table = Resources(entityType);
            RequireAll(table, entityType, resources.Select(static r => r.Key), "updated", cancellationToken);
            foreach (var resource in resources)
            {
                var current = table[resource.Key];
                table[resource.Key] = new StoredResource(current.Id, entityType, resource.Key, resource.Digest, resource.Values);
                _touched.Add(current.Id);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DeleteAsync(string entityType, IReadOnlyList<string> keys, CancellationToken cancellationToken)
        {
            var table = Resources(entityType);
            RequireAll(table, entityType, keys, "deleted", cancellationToken);

            // A key named twice is deleted once, as the durable stores do.
            foreach (var key in keys)
            {
                if (!table.Remove(key, out var removed))
                {
                    continue;
                }

                _deleted.Add((entityType, removed.Id));
                _touched.Add(removed.Id);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask AddLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
        {
            var set = Links(association.Association);
            foreach (var link in ResolveAll(association, links, cancellationToken))
            {
                Touch(set.Add, link);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveLinksAsync(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
        {
            var set = Links(association.Association);
            foreach (var link in ResolveAll(association, links, cancellationToken))
            {
                Touch(set.Remove, link);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask CommitAsync(ConnectorState state, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_done, this);
            lock (store._gate)
            {
                store.CheckVersion(connector, expectedVersion);
                var deletedIds = _deleted.Select(static d => d.Id).ToHashSet();
                var links = new Dictionary<string, HashSet<StoredLink>>(store._links, StringComparer.OrdinalIgnoreCase);
                foreach (var (name, set) in _links)
                {
                    links[name] = set;
                }

                if (deletedIds.Count > 0)
                {
                    foreach (var name in links.Keys.ToList())
                    {
                        if (links[name].Any(l => deletedIds.Contains(l.FirstId) || deletedIds.Contains(l.SecondId)))
                        {
                            // The other end of a deleted resource's link changed too.
                            foreach (var gone in links[name].Where(l => deletedIds.Contains(l.FirstId) || deletedIds.Contains(l.SecondId)))
                            {
                                _touched.Add(gone.FirstId);
                                _touched.Add(gone.SecondId);
                            }

                            links[name] = [.. links[name].Where(l => !deletedIds.Contains(l.FirstId) && !deletedIds.Contains(l.SecondId))];
                        }
                    }
                }

                var resources = new Dictionary<string, Dictionary<string, StoredResource>>(store._resources, StringComparer.OrdinalIgnoreCase);
                foreach (var (name, table) in _resources)
                {
                    resources[name] = table;
                }

                store._resources = resources;
                store._links = links;
                if (_layouts.Count > 0)
                {
                    var layouts = new Dictionary<long, string>(store._layouts);
                    foreach (var (id, layout) in _layouts)
                    {
                        layouts.TryAdd(id, layout);
                    }

                    store._layouts = layouts;
                }

                if (deletedIds.Count > 0)
                {
                    // A deleted account's owner and candidates lose it with its categorization.
                    foreach (var id in deletedIds)
                    {
                        if (store._categorizations.GetValueOrDefault(id) is { } categorization)
                        {
                            _touched.UnionWith(ChangeFeedEntries.OfCategorization(categorization, null, []));
                        }
                    }

                    store._categorizations = store._categorizations.Where(c => !deletedIds.Contains(c.Key)).ToDictionary();
                }

                store.RecordChanges(_touched);

                if (deletedIds.Count > 0 || _sources.Count > 0)
                {
                    var sources = store._sources.Where(s => !deletedIds.Contains(s.Key.ResourceId)).ToDictionary();
                    foreach (var source in _sources.SelectMany(static s => s.Sources).Where(s => !deletedIds.Contains(s.ResourceId)))
                    {
                        sources[(source.ResourceId, source.Property)] = source;
                    }

                    store._sources = sources;
                }

                store._states = new(store._states, StringComparer.OrdinalIgnoreCase) { [connector] = state };
                _done = true;
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _done = true;
            return ValueTask.CompletedTask;
        }

        /// <summary>Refuses a call before it changes anything when one of its keys does not exist.</summary>
        private static void RequireAll(Dictionary<string, StoredResource> table, string entityType, IEnumerable<string> keys, string verb, CancellationToken cancellationToken)
        {
            foreach (var key in keys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!table.ContainsKey(key))
                {
                    throw new StoreConflictException($"{entityType} '{key}' does not exist; it cannot be {verb}.");
                }
            }
        }

        private Dictionary<string, StoredResource> Resources(string entityType)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            if (!_resources.TryGetValue(entityType, out var table))
            {
                lock (store._gate)
                {
                    table = new Dictionary<string, StoredResource>(store._resources.GetValueOrDefault(entityType) ?? [], StringComparer.Ordinal);
                }

                _resources[entityType] = table;
            }

            return table;
        }

        private HashSet<StoredLink> Links(string association)
        {
            ObjectDisposedException.ThrowIf(_done, this);
            if (!_links.TryGetValue(association, out var set))
            {
                lock (store._gate)
                {
                    set = [.. store._links.GetValueOrDefault(association) ?? []];
                }

                _links[association] = set;
            }

            return set;
        }

        private void Touch(Func<StoredLink, bool> change, StoredLink link)
        {
            change(link);
            _touched.Add(link.FirstId);
            _touched.Add(link.SecondId);
        }

        /// <summary>Every link's ends, all resolved before any is applied: a link naming a missing key refuses the whole call.</summary>
        private List<StoredLink> ResolveAll(EntityAssociationKeys association, IReadOnlyList<LinkChange> links, CancellationToken cancellationToken)
        {
            var resolved = new List<StoredLink>(links.Count);
            foreach (var link in links)
            {
                cancellationToken.ThrowIfCancellationRequested();
                resolved.Add(Resolve(association, link));
            }

            return resolved;
        }

        private StoredLink Resolve(EntityAssociationKeys association, LinkChange link) => new(
            IdOf(association.FirstEntityType, link.FirstKey, association.Association),
            IdOf(association.SecondEntityType, link.SecondKey, association.Association));

        private long IdOf(string entityType, string key, string association) =>
            Resources(entityType).GetValueOrDefault(key)?.Id
            ?? throw new StoreConflictException($"A link of {association} names {entityType} '{key}', which does not exist.");
    }
}

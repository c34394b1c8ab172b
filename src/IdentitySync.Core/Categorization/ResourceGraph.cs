using IdentitySync.Model;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Categorization;

/// <summary>
/// The resources and links expressions read, loaded from the store on first use: values by property,
/// navigation by association, in both directions.
/// </summary>
internal sealed class ResourceGraph(IdentityModel model, IResourceReader store)
{
    private readonly Dictionary<string, Dictionary<long, StoredResource>> _resources = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Association, bool FromFirst), Dictionary<long, List<long>>> _links = [];
    private readonly HashSet<string> _scoped = new(StringComparer.OrdinalIgnoreCase);

    public IdentityModel Model { get; } = model;

    public async Task<Dictionary<long, StoredResource>> ResourcesAsync(string entityType, CancellationToken cancellationToken)
    {
        if (!_resources.TryGetValue(entityType, out var resources))
        {
            resources = await ReadAsync(entityType, cancellationToken).ConfigureAwait(false);
            _resources[entityType] = resources;
        }

        return resources;
    }

    /// <summary>
    /// Reads every resource of several entity types side by side, each on a thread (and a store call) of its own, before
    /// the rules need them: a full pass reads a million owners and a million accounts, one core each, instead of one after
    /// the other. Types already read, or scoped, are left as they are. Every read has ended when this returns, failed or not.
    /// </summary>
    /// <param name="entityTypes">The types to read.</param>
    /// <param name="alongside">Other reads to run meanwhile (the categorizations of a full pass), awaited with these.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task ReadSideBySideAsync(IEnumerable<string> entityTypes, IEnumerable<Task> alongside, CancellationToken cancellationToken)
    {
        var pending = entityTypes.Distinct(StringComparer.OrdinalIgnoreCase).Where(t => !_resources.ContainsKey(t)).ToList();
        var reads = pending.ConvertAll(type => Task.Run(() => ReadAsync(type, cancellationToken), cancellationToken));
        await Task.WhenAll(reads.Concat(alongside)).ConfigureAwait(false);
        for (var i = 0; i < pending.Count; i++)
        {
            _resources[pending[i]] = await reads[i].ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every resource of a type, by id. Values unpack on first read: an incremental generation reads the digests of every
    /// owner and account, and the values only of the few it evaluates.
    /// </summary>
    private async Task<Dictionary<long, StoredResource>> ReadAsync(string entityType, CancellationToken cancellationToken)
    {
        var resources = new Dictionary<long, StoredResource>();
        await foreach (var resource in store.GetResourcesToCompareAsync(entityType, cancellationToken).ConfigureAwait(false))
        {
            resources[resource.Id] = resource;
        }

        return resources;
    }

    /// <summary>
    /// Holds only the given resources of an entity type (the owners a generation examines, their accounts): the type
    /// is never read whole, and links from its resources are read for these resources only, one by one.
    /// </summary>
    public void Scope(string entityType, IEnumerable<StoredResource> resources)
    {
        _resources[entityType] = resources.ToDictionary(static r => r.Id);
        _scoped.Add(entityType);
    }

    /// <summary>Loads what the paths of an expression read, so that evaluation is synchronous.</summary>
    public async Task PrepareAsync(IRuleExpression expression, string root, string entityType, CancellationToken cancellationToken)
    {
        await ResourcesAsync(entityType, cancellationToken).ConfigureAwait(false);
        if (expression is not RuleExpression parsed)
        {
            // Code may follow any navigation: load everything reachable from its root.
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { entityType };
            var pending = new Queue<string>([entityType]);
            while (pending.TryDequeue(out var current))
            {
                foreach (var navigation in Model.GetEntityType(current).NavigationProperties)
                {
                    var (association, fromFirst) = AssociationOf(current, navigation.Name);
                    await LinksAsync(association, fromFirst, cancellationToken).ConfigureAwait(false);
                    if (seen.Add(navigation.TargetEntityType))
                    {
                        await ResourcesAsync(navigation.TargetEntityType, cancellationToken).ConfigureAwait(false);
                        pending.Enqueue(navigation.TargetEntityType);
                    }
                }
            }

            return;
        }

        foreach (var path in parsed.Paths.Where(p => string.Equals(p.Root, root, StringComparison.OrdinalIgnoreCase)))
        {
            var type = Model.GetEntityType(entityType);
            foreach (var step in path.Properties)
            {
                if (type.FindNavigationProperty(step) is not { } navigation)
                {
                    break;
                }

                var (association, fromFirst) = AssociationOf(type.Name, navigation.Name);
                await LinksAsync(association, fromFirst, cancellationToken).ConfigureAwait(false);
                type = Model.GetEntityType(navigation.TargetEntityType);
                await ResourcesAsync(type.Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Loads the links of one navigation property and the resources it leads to.</summary>
    public async Task PrepareNavigationAsync(string entityType, string navigation, CancellationToken cancellationToken)
    {
        var (association, fromFirst) = AssociationOf(Model.GetEntityType(entityType).Name, navigation);
        await LinksAsync(association, fromFirst, cancellationToken).ConfigureAwait(false);
        await ResourcesAsync(Model.GetEntityType(entityType).FindNavigationProperty(navigation)!.TargetEntityType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The resources one resource links to through a navigation property loaded by <see cref="PrepareNavigationAsync"/>.</summary>
    public IReadOnlyList<StoredResource> Linked(StoredResource resource, string navigation)
    {
        var type = Model.GetEntityType(resource.EntityType);
        var target = type.FindNavigationProperty(navigation)!.TargetEntityType;
        var (association, fromFirst) = AssociationOf(type.Name, navigation);
        var ids = _links.GetValueOrDefault((association, fromFirst))?.GetValueOrDefault(resource.Id);
        var targets = _resources.GetValueOrDefault(target);
        return ids is null || targets is null ? [] : [.. ids.Select(id => targets.GetValueOrDefault(id)).OfType<StoredResource>()];
    }

    /// <summary>
    /// A digest of every resource an expression's paths from a root visit (the root's own digest included),
    /// so that a changed manager or organization changes the owner's digest. Zero when the paths are unknown (code).
    /// </summary>
    public ulong ReachedDigest(StoredResource root, IRuleExpression expression, string rootName)
    {
        if (expression is not RuleExpression parsed)
        {
            return 0;
        }

        ulong digest = 0;
        foreach (var path in parsed.Paths.Where(p => string.Equals(p.Root, rootName, StringComparison.OrdinalIgnoreCase)))
        {
            IReadOnlyList<StoredResource> current = [root];
            foreach (var step in path.Properties)
            {
                if (current.Count == 0 || Model.GetEntityType(current[0].EntityType).FindNavigationProperty(step) is null)
                {
                    break;
                }

                current = [.. current.SelectMany(r => Linked(r, step))];
                foreach (var reached in current)
                {
                    digest += Internal.Xxh64.Hash(reached.Id, reached.Digest);
                }
            }
        }

        return digest;
    }

    /// <summary>
    /// The roots whose paths in an expression visit one of the changed resources beyond the root: what
    /// <see cref="ReachedDigest"/> reads, walked backward along each navigation (the reverse links load on first use).
    /// </summary>
    /// <param name="expression">The expression.</param>
    /// <param name="rootName">The root its paths start from (<c>Owner</c>).</param>
    /// <param name="rootType">The root's entity type.</param>
    /// <param name="changed">The ids of the resources that changed.</param>
    /// <param name="cancellationToken">Cancels the loading.</param>
    /// <returns>The ids of the roots reached.</returns>
    public async Task<HashSet<long>> ReachingAsync(RuleExpression expression, string rootName, string rootType, IReadOnlySet<long> changed, CancellationToken cancellationToken)
    {
        var roots = new HashSet<long>();
        foreach (var path in expression.Paths.Where(p => string.Equals(p.Root, rootName, StringComparison.OrdinalIgnoreCase)))
        {
            // The navigations the path takes from its root, as ReachedDigest follows them.
            var steps = new List<(string From, string Navigation, string Target)>();
            var type = Model.GetEntityType(rootType);
            foreach (var step in path.Properties)
            {
                if (type.FindNavigationProperty(step) is not { } navigation)
                {
                    break;
                }

                steps.Add((type.Name, navigation.Name, navigation.TargetEntityType));
                type = Model.GetEntityType(navigation.TargetEntityType);
            }

            // From the far end back to the root: a changed resource at any depth reaches the roots that lead to it.
            var frontier = new HashSet<long>();
            for (var depth = steps.Count - 1; depth >= 0; depth--)
            {
                var (from, navigation, target) = steps[depth];
                var targets = await ResourcesAsync(target, cancellationToken).ConfigureAwait(false);
                frontier.UnionWith(changed.Where(targets.ContainsKey));
                if (frontier.Count == 0)
                {
                    continue;
                }

                var (association, fromFirst) = AssociationOf(from, navigation);
                await LinksAsync(association, !fromFirst, cancellationToken).ConfigureAwait(false);
                var back = _links[(association, !fromFirst)];
                var sources = new HashSet<long>();
                foreach (var id in frontier)
                {
                    if (back.TryGetValue(id, out var linked))
                    {
                        sources.UnionWith(linked);
                    }
                }

                frontier = sources;
            }

            roots.UnionWith(frontier);
        }

        return roots;
    }

    public object? Resolve(StoredResource? resource, IReadOnlyList<string> path)
    {
        if (resource is null)
        {
            return null;
        }

        var type = Model.GetEntityType(resource.EntityType);
        if (path.Count == 1 && type.FindProperty(path[0]) is { } own)
        {
            // The resource's own value, the commonest path: read alone (the values stay packed but for it).
            return resource.ValueAt(type, type.IndexOf(own.Name));
        }

        return ResolvePath(resource, type, path);
    }

    /// <summary>
    /// A path through navigation properties. Apart from <see cref="Resolve"/>, whose common case would otherwise
    /// allocate the closure of these lambdas on every call (a million owners, 110 MB).
    /// </summary>
    private object? ResolvePath(StoredResource resource, EntityType type, IReadOnlyList<string> path)
    {
        IReadOnlyList<StoredResource> current = [resource];
        for (var i = 0; i < path.Count; i++)
        {
            if (type.FindProperty(path[i]) is { } property && i == path.Count - 1)
            {
                var index = type.IndexOf(property.Name);
                var values = current.Select(r => r.ValueAt(type, index)).Where(static v => v is not null).ToList();
                return values.Count switch
                {
                    0 => null,
                    1 => values[0],
                    _ => values.SelectMany(static v => v is object[] items ? items : [v!]).ToArray(),
                };
            }

            var navigation = type.FindNavigationProperty(path[i]);
            if (navigation is null)
            {
                return null;
            }

            var (association, fromFirst) = AssociationOf(type.Name, navigation.Name);
            var links = _links.GetValueOrDefault((association, fromFirst));
            var target = Model.GetEntityType(navigation.TargetEntityType);
            var targets = _resources.GetValueOrDefault(target.Name);
            current = [.. current.SelectMany(r => links?.GetValueOrDefault(r.Id) ?? []).Select(id => targets?.GetValueOrDefault(id)).OfType<StoredResource>()];
            type = target;
            if (i == path.Count - 1)
            {
                return current.Count switch
                {
                    0 => null,
                    1 => current[0].Key,
                    _ => current.Select(static r => (object)r.Key).ToArray(),
                };
            }
        }

        return null;
    }

    private (string Association, bool FromFirst) AssociationOf(string entityType, string navigation)
    {
        foreach (var association in Model.Associations)
        {
            if (string.Equals(association.First.EntityType, entityType, StringComparison.OrdinalIgnoreCase)
                && string.Equals(association.First.NavigationProperty, navigation, StringComparison.OrdinalIgnoreCase))
            {
                return (association.Name, true);
            }

            if (string.Equals(association.Second.EntityType, entityType, StringComparison.OrdinalIgnoreCase)
                && string.Equals(association.Second.NavigationProperty, navigation, StringComparison.OrdinalIgnoreCase))
            {
                return (association.Name, false);
            }
        }

        throw new InvalidOperationException($"No association pairs {entityType}.{navigation}.");
    }

    private async Task LinksAsync(string association, bool fromFirst, CancellationToken cancellationToken)
    {
        if (_links.ContainsKey((association, fromFirst)))
        {
            return;
        }

        var map = new Dictionary<long, List<long>>();
        var definition = Model.Associations.First(a => string.Equals(a.Name, association, StringComparison.OrdinalIgnoreCase));
        var fromType = fromFirst ? definition.First.EntityType : definition.Second.EntityType;
        if (_scoped.Contains(fromType))
        {
            // A scoped type's few resources: their links only, each read through the store's index.
            foreach (var id in _resources[fromType].Keys)
            {
                var linked = await store.GetLinkedResourcesAsync(association, id, fromFirst ? LinkDirection.FirstToSecond : LinkDirection.SecondToFirst, cancellationToken).ConfigureAwait(false);
                if (linked.Count > 0)
                {
                    map[id] = [.. linked.Select(static r => r.Id)];
                }
            }

            _links[(association, fromFirst)] = map;
            return;
        }

        await foreach (var batch in store.GetLinkBatchesAsync(association, cancellationToken).ConfigureAwait(false))
        {
            AddLinks(batch.Span, fromFirst, map);
        }

        _links[(association, fromFirst)] = map;
    }

    private static void AddLinks(ReadOnlySpan<StoredLink> links, bool fromFirst, Dictionary<long, List<long>> map)
    {
        foreach (var link in links)
        {
            var (from, to) = fromFirst ? (link.FirstId, link.SecondId) : (link.SecondId, link.FirstId);
            if (!map.TryGetValue(from, out var targets))
            {
                map[from] = targets = [];
            }

            targets.Add(to);
        }
    }
}

/// <summary>What a rule sees: one owner and one account, through the graph.</summary>
internal sealed class ResourceContext(ResourceGraph graph, StoredResource? owner, StoredResource? account) : IExpressionContext
{
    public object? GetValue(string root, IReadOnlyList<string> path) =>
        graph.Resolve(string.Equals(root, "Owner", StringComparison.OrdinalIgnoreCase) ? owner : account, path);
}

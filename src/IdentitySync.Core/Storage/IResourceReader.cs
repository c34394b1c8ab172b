namespace IdentitySync.Storage;

/// <summary>Reads resources and links: the read-only role of a store, for reports and read APIs.</summary>
public interface IResourceReader
{
    /// <summary>Counts the resources of an entity type.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The count.</returns>
    ValueTask<long> CountResourcesAsync(string entityType, CancellationToken cancellationToken);

    /// <summary>Counts the links of an association.</summary>
    /// <param name="association">The association.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The count.</returns>
    ValueTask<long> CountLinksAsync(string association, CancellationToken cancellationToken);

    /// <summary>
    /// Estimates the links of an association without counting them if counting is slow: a synchronization sizes its
    /// buffers of ten million links from it once instead of growing them by doubling (decision 121). A store returns
    /// the exact count when it keeps one, a statistic otherwise (the planner's row estimate), and 0 when it knows
    /// nothing, which is always allowed. By default, 0.
    /// </summary>
    /// <param name="association">The association.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The estimate, or 0 when unknown.</returns>
    ValueTask<long> EstimateLinkCountAsync(string association, CancellationToken cancellationToken) => ValueTask.FromResult(0L);

    /// <summary>Streams the resources of an entity type.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resources, in no particular order.</returns>
    IAsyncEnumerable<StoredResource> GetResourcesAsync(string entityType, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the resources of an entity type for a consumer that compares digests first and reads the
    /// values of few of them (a synchronization; an order generation that evaluates only the owners whose
    /// inputs changed): a store may hand the values out packed, unpacked on first read
    /// (<see cref="ResourceValueCodec.DecodeLazily"/>), and when reading a whole type keep them end to end in large arrays
    /// (<see cref="PackedValuesArena"/>: categorization and a full generation hold a million of them while they run).
    /// By default, <see cref="GetResourcesAsync"/>.
    /// </summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resources, in no particular order.</returns>
    IAsyncEnumerable<StoredResource> GetResourcesToCompareAsync(string entityType, CancellationToken cancellationToken) =>
        GetResourcesAsync(entityType, cancellationToken);

    /// <summary>
    /// Streams the id, key and digest of every resource of an entity type, without their values: a complete
    /// synchronization compares each row's digest with these and reads the values of the few that differ by id
    /// (<see cref="GetResourcesByIdAsync"/>). A store reads them without touching the values (a covering index,
    /// or the columns alone); by default, from <see cref="GetResourcesToCompareAsync"/>.
    /// </summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The digests, in no particular order; none for an entity type never stored.</returns>
    async IAsyncEnumerable<ResourceDigest> GetResourceDigestsAsync(string entityType, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var resource in GetResourcesToCompareAsync(entityType, cancellationToken).ConfigureAwait(false))
        {
            yield return new ResourceDigest(resource.Id, resource.Key, resource.Digest);
        }
    }

    /// <summary>Finds a resource by its primary key.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="key">The primary key's value.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resource, or <see langword="null"/>.</returns>
    ValueTask<StoredResource?> FindResourceAsync(string entityType, string key, CancellationToken cancellationToken);

    /// <summary>Finds a resource by its internal id, whatever its entity type.</summary>
    /// <param name="id">The id (<see cref="StoredResource.Id"/>).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resource, or <see langword="null"/>.</returns>
    ValueTask<StoredResource?> FindResourceByIdAsync(long id, CancellationToken cancellationToken);

    /// <summary>Reads the resources of any entity types with the given ids; unknown ids are skipped, a repeated id read once. The default finds them one by one.</summary>
    /// <param name="ids">The ids.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resources found, in no particular order.</returns>
    async ValueTask<IReadOnlyList<StoredResource>> GetResourcesByIdAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new List<StoredResource>();
        foreach (var id in ids.Distinct())
        {
            if (await FindResourceByIdAsync(id, cancellationToken).ConfigureAwait(false) is { } resource)
            {
                found.Add(resource);
            }
        }

        return found;
    }

    /// <summary>
    /// Reads the resources of an entity type with the given primary keys (compared as written, like
    /// <see cref="FindResourceAsync"/>); unknown keys are skipped, a repeated key read once. A categorization whose
    /// correlation rule names the owners' key looks up the few owners it needs instead of reading them all. The
    /// default finds them one by one.
    /// </summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="keys">The primary keys.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The resources found, in no particular order.</returns>
    async ValueTask<IReadOnlyList<StoredResource>> GetResourcesByKeyAsync(string entityType, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(keys);
        var found = new List<StoredResource>();
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (await FindResourceAsync(entityType, key, cancellationToken).ConfigureAwait(false) is { } resource)
            {
                found.Add(resource);
            }
        }

        return found;
    }

    /// <summary>Reads a page of an entity type's resources in key order (ordinal), after a given key.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="afterKey">The last key of the previous page, or <see langword="null"/> for the first page.</param>
    /// <param name="limit">The most resources to return.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The page; fewer than <paramref name="limit"/> resources on the last page.</returns>
    ValueTask<IReadOnlyList<StoredResource>> GetResourcePageAsync(string entityType, string? afterKey, int limit, CancellationToken cancellationToken);

    /// <summary>Reads the resources linked to one resource through an association, in either direction.</summary>
    /// <param name="association">The association.</param>
    /// <param name="resourceId">The resource's id.</param>
    /// <param name="direction">Which side the resource is on.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The linked resources, in key order.</returns>
    ValueTask<IReadOnlyList<StoredResource>> GetLinkedResourcesAsync(string association, long resourceId, LinkDirection direction, CancellationToken cancellationToken);

    /// <summary>Streams the links of an association.</summary>
    /// <param name="association">The association.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The links, in no particular order.</returns>
    IAsyncEnumerable<StoredLink> GetLinksAsync(string association, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the links of an association in batches: a synchronization reads millions, and a batch costs one step
    /// of an asynchronous stream where each link would cost one. The default batches <see cref="GetLinksAsync"/>; a
    /// store that reads its links in blocks hands them over as it reads them.
    /// </summary>
    /// <param name="association">The association.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>
    /// The links in batches of at least one, in no particular order, together the links <see cref="GetLinksAsync"/>
    /// gives. A batch is valid until the enumeration moves on: the store may fill the same memory again, so a caller
    /// that keeps links copies them.
    /// </returns>
    async IAsyncEnumerable<ReadOnlyMemory<StoredLink>> GetLinkBatchesAsync(string association, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // 4,096 links (64 KiB) stay below the large-object heap and make a million links 245 steps.
        var batch = new StoredLink[4_096];
        var count = 0;
        await foreach (var link in GetLinksAsync(association, cancellationToken).ConfigureAwait(false))
        {
            batch[count++] = link;
            if (count == batch.Length)
            {
                yield return batch;
                count = 0;
            }
        }

        if (count > 0)
        {
            yield return batch.AsMemory(0, count);
        }
    }

    /// <summary>
    /// Reads the layouts resources were written in (<see cref="IChangeSetWriter.SaveLayoutAsync"/>): the
    /// engines read values written under an older model by property name through them.
    /// </summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>Each layout's text by its id.</returns>
    ValueTask<IReadOnlyDictionary<long, string>> GetLayoutsAsync(CancellationToken cancellationToken);
}

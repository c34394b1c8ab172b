namespace IdentitySync.Storage;

/// <summary>Reads where repository values came from; they are written with the change set that sets the values (<see cref="IChangeSetWriter.SetSourcesAsync"/>).</summary>
public interface IProvenanceStore
{
    /// <summary>Reads where each property value of a repository resource came from.</summary>
    /// <param name="resourceId">The resource's id.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The sources, by property (ordinal); none for values never written by a rule or an edit.</returns>
    ValueTask<IReadOnlyList<PropertySource>> GetSourcesAsync(long resourceId, CancellationToken cancellationToken);

}

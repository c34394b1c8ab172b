using IdentitySync.ChangeSets;

namespace IdentitySync.Storage;

/// <summary>Keeps each connector's synchronization state and applies its change sets: the role a synchronization (and the repository workflow) writes through. Every change set is applied in one transaction through <see cref="BeginApplyAsync"/>.</summary>
public interface ISyncStateStore : IResourceReader
{
    /// <summary>Takes the connector's run lock: one synchronization of a connector at a time.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The lock; disposing it releases it.</returns>
    /// <exception cref="ConnectorBusyException">Another run of the connector holds the lock.</exception>
    ValueTask<IAsyncDisposable> LockConnectorAsync(string connector, CancellationToken cancellationToken);

    /// <summary>Reads a connector's synchronization state.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The state; <see cref="ConnectorState.Empty"/> for a connector never synchronized.</returns>
    ValueTask<ConnectorState> GetConnectorStateAsync(string connector, CancellationToken cancellationToken);

    /// <summary>Keeps, replaces or (with <see langword="null"/>) clears the connector's blocked change set, outside any apply.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="blocked">The blocked change set, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>A task that completes when the state is saved.</returns>
    ValueTask SetBlockedChangeSetAsync(string connector, ChangeSet? blocked, CancellationToken cancellationToken);

    /// <summary>Starts the transaction that applies one change set of a connector.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="expectedVersion">The connector version the change set was computed against.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="StoreConflictException">The connector's data changed since the change set was computed.</exception>
    ValueTask<IChangeSetWriter> BeginApplyAsync(string connector, long expectedVersion, CancellationToken cancellationToken);
}

namespace IdentitySync.Connections;

/// <summary>
/// The fulfill facet of a connection: applies provisioning orders to the managed system. The engine creates
/// one for each pass over a connector and disposes it when the pass ends, however it ends.
/// </summary>
public interface IFulfillConnection : IAsyncDisposable
{
    /// <summary>
    /// Applies orders; each gets one result. Report <see cref="FulfillmentStatus.Failed"/> for what will
    /// not succeed by trying again (a constraint the system refuses, with its message), and
    /// <see cref="FulfillmentStatus.NotAttempted"/> or <see cref="FulfillmentStatus.OutcomeUnknown"/> for what
    /// may (busy, unreachable, timed out): those are retried with back-off. Creating what already exists
    /// (<see cref="FulfillmentStatus.AlreadyExists"/>) and removing what is gone (<see cref="FulfillmentStatus.NotFound"/>)
    /// count as done, so a retried batch is harmless. Throwing <see cref="ConnectionException"/> means no
    /// order of the batch was attempted.
    /// </summary>
    /// <param name="requests">The orders of one connector, oldest first, each with the tables, columns and keys to write them.</param>
    /// <param name="cancellationToken">Stops the work; orders without a result are tried again later.</param>
    /// <returns>One result per order, by <see cref="FulfillmentResult.OrderId"/>; an order without one counts as <see cref="FulfillmentStatus.NotAttempted"/>.</returns>
    ValueTask<IReadOnlyList<FulfillmentResult>> FulfillAsync(IReadOnlyList<FulfillmentRequest> requests, CancellationToken cancellationToken);

    /// <summary>Reads the results of orders handed over earlier with <see cref="FulfillmentStatus.Accepted"/> (a script's results file).</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The results that came back since the last call; empty for connections that answer at once.</returns>
    ValueTask<IReadOnlyList<FulfillmentResult>> CollectResultsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<FulfillmentResult>>([]);

    /// <summary>Releases what the connection holds (a session, an open file); the default disposes a connection that is only <see cref="IDisposable"/>, else does nothing.</summary>
    /// <returns>A task that completes when released.</returns>
    ValueTask IAsyncDisposable.DisposeAsync()
    {
        (this as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

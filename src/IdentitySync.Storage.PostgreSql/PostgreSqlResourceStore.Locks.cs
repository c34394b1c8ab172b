using Npgsql;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>The run and job locks: session advisory locks on connections of their own, held across processes and hosts.</summary>
public sealed partial class PostgreSqlResourceStore
{
    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> LockConnectorAsync(string connector, CancellationToken cancellationToken) =>
        SessionLockAsync("connector:" + connector, () => new ConnectorBusyException($"Connector '{connector}' is already being synchronized (advisory lock in schema '{Schema}' of {Describe}); wait for that run to end."), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> LockJobAsync(string job, CancellationToken cancellationToken) =>
        SessionLockAsync("job:" + job, () => new JobBusyException($"Job '{job}' is already running (advisory lock in schema '{Schema}' of {Describe}); wait for that run to end."), cancellationToken);

    /// <summary>Waits for the advisory lock named <paramref name="name"/> in this schema, held until the transaction ends.</summary>
    private async Task LockForTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction);
        command.Parameters.AddWithValue(LockKeys.Of(Schema, name));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IAsyncDisposable> SessionLockAsync(string name, Func<IdentitySyncException> busy, CancellationToken cancellationToken)
    {
        // A session lock on a connection of its own, held for the whole run: another process or host is
        // refused at once, and a holder that dies (or whose host vanishes: TCP keepalive) frees it.
        var connection = await OpenAsync(_lockSource, cancellationToken).ConfigureAwait(false);
        try
        {
            var key = LockKeys.Of(Schema, name);
            using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection))
            {
                command.Parameters.AddWithValue(key);
                if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    throw busy();
                }
            }

            return new AdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class AdvisoryLock(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // Unlocked before the connection goes back, in case the host's data source pools it.
                using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
                command.Parameters.AddWithValue(key);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The connection is gone: so is its lock.
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

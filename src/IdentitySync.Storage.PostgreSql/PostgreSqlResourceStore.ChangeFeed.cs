using System.Runtime.CompilerServices;
using Npgsql;

namespace IdentitySync.Storage.PostgreSql;

/// <summary>The change feed's reads and consumer positions (<see cref="IChangeFeedStore"/>); writes record into it through <see cref="PostgreSqlChangeFeed"/>.</summary>
public sealed partial class PostgreSqlResourceStore
{
    /// <inheritdoc />
    public async ValueTask<ChangeFeedHead> GetChangeFeedHeadAsync(CancellationToken cancellationToken) =>
        await WithConnectionAsync("read the change feed", async connection =>
        {
            using var command = new NpgsqlCommand(InSchema(PostgreSqlChangeFeed.SelectHead), connection);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new ChangeFeedHead(reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public IAsyncEnumerable<long> GetChangedResourceIdsAsync(long afterVersion, long throughVersion, CancellationToken cancellationToken) =>
        GuardedAsync(ReadChangedResourceIdsAsync(afterVersion, throughVersion, cancellationToken), cancellationToken);

    private async IAsyncEnumerable<long> ReadChangedResourceIdsAsync(long afterVersion, long throughVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Along the primary key, in keyset pages; the first page starts after (afterVersion, every id); no entry is (0, 0).
        var entries = PagesAsync<(long Version, long Id)>(LinkPageSize, async (connection, after, page) =>
        {
            using var command = new NpgsqlCommand(InSchema(PostgreSqlChangeFeed.SelectIds), connection);
            command.Parameters.AddWithValue(afterVersion);
            command.Parameters.AddWithValue(throughVersion);
            command.Parameters.AddWithValue(after == default ? afterVersion : after.Version);
            command.Parameters.AddWithValue(after == default ? long.MaxValue : after.Id);
            command.Parameters.AddWithValue(LinkPageSize);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                page.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }, cancellationToken);
        await foreach (var entry in entries.ConfigureAwait(false))
        {
            yield return entry.Id;
        }
    }

    /// <inheritdoc />
    public async ValueTask<ChangeFeedPosition?> GetChangeFeedPositionAsync(string consumer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        return await WithConnectionAsync("read a change feed position", async connection =>
        {
            using var command = new NpgsqlCommand(InSchema(PostgreSqlChangeFeed.SelectPosition), connection);
            command.Parameters.AddWithValue(consumer);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new ChangeFeedPosition(reader.GetInt64(0), unchecked((ulong)reader.GetInt64(1)))
                : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SetChangeFeedPositionAsync(string consumer, ChangeFeedPosition position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(position);
        await WithConnectionAsync("save a change feed position", async connection =>
        {
            using var command = new NpgsqlCommand(InSchema(PostgreSqlChangeFeed.UpsertPosition), connection);
            command.Parameters.AddWithValue(consumer);
            command.Parameters.AddWithValue(position.Version);
            command.Parameters.AddWithValue(unchecked((long)position.Fingerprint));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }
}

using System.Runtime.CompilerServices;

namespace IdentitySync.Storage.Sqlite;

/// <summary>The change feed's reads and consumer positions (<see cref="IChangeFeedStore"/>); writes record into it through <see cref="SqliteChangeFeed"/>.</summary>
public sealed partial class SqliteResourceStore
{
    /// <inheritdoc />
    public ValueTask<ChangeFeedHead> GetChangeFeedHeadAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var head = new RawStatement(connection, SqliteChangeFeed.SelectHead);
        head.Read();
        var found = new ChangeFeedHead(head.GetInt64(0), head.GetInt64(1));
        head.Reset();
        return ValueTask.FromResult(found);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<long> GetChangedResourceIdsAsync(long afterVersion, long throughVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        using var select = new RawStatement(connection, SqliteChangeFeed.SelectIds);
        select.Bind(1, afterVersion);
        select.Bind(2, throughVersion);
        var read = 0;
        while (select.Read())
        {
            if ((++read & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return select.GetInt64(0);
        }
    }

    /// <inheritdoc />
    public ValueTask<ChangeFeedPosition?> GetChangeFeedPositionAsync(string consumer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        using var connection = Open();
        using var select = new RawStatement(connection, SqliteChangeFeed.SelectPosition);
        select.Bind(1, consumer);
        ChangeFeedPosition? position = null;
        if (select.Read())
        {
            position = new ChangeFeedPosition(select.GetInt64(0), unchecked((ulong)select.GetInt64(1)));
            select.Reset();
        }

        return ValueTask.FromResult(position);
    }

    /// <inheritdoc />
    public ValueTask SetChangeFeedPositionAsync(string consumer, ChangeFeedPosition position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(position);
        using var connection = Open();
        using var upsert = new RawStatement(connection, SqliteChangeFeed.UpsertPosition);
        upsert.Bind(1, consumer);
        upsert.Bind(2, position.Version);
        upsert.Bind(3, unchecked((long)position.Fingerprint));
        upsert.Execute();
        return ValueTask.CompletedTask;
    }
}

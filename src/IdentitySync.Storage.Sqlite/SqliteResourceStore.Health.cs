using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace IdentitySync.Storage.Sqlite;

/// <summary>The SQLite store's integrity check and the events of opening it.</summary>
public sealed partial class SqliteResourceStore
{
    /// <summary>Runs SQLite's <c>PRAGMA integrity_check</c> (pages, indexes, constraints) and <c>PRAGMA foreign_key_check</c>.</summary>
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        try
        {
            CheckIntegrity(problems);
        }
        catch (SqliteException exception) when (SqliteFailures.IsStorage(exception))
        {
            // SQLite stops a check it cannot finish (a page that is not a page): that is its verdict.
            problems.Add($"{Path}: integrity check: {exception.Message}");
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(problems);
    }

    private void CheckIntegrity(List<string> problems)
    {
        using var connection = Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA integrity_check(100)";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (reader.GetString(0) is var line && line != "ok")
                {
                    problems.Add($"{Path}: integrity check: {line}");
                }
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA foreign_key_check";
            using var reader = command.ExecuteReader();
            while (reader.Read() && problems.Count < 200)
            {
                problems.Add($"{Path}: table {reader.GetString(0)} row {reader.GetValue(1)} refers to a missing row of {reader.GetString(2)}");
            }
        }
    }

    private static T Refused<T>(ILogger log, T exception)
        where T : Exception
    {
        LogRefused(log, exception.Message);
        return exception;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "SQLite store {Path} created at schema version {Version}")]
    private static partial void LogCreated(ILogger logger, string path, long version);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "SQLite store {Path} migrated from schema version {From} to {To}")]
    private static partial void LogMigrated(ILogger logger, string path, long from, long to);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "SQLite store {Path} opened at schema version {Version}")]
    private static partial void LogOpened(ILogger logger, string path, long version);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "A SQLite store cannot be used: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}

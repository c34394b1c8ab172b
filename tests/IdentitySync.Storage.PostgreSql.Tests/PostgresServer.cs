using Npgsql;

namespace IdentitySync.Storage.PostgreSql.Tests;

/// <summary>
/// The throwaway server build/test.sh starts on loopback (IDENTITYSYNC_TEST_POSTGRES). Without it every
/// test here fails with a message saying how to get one: none is ever skipped.
/// </summary>
internal static class PostgresServer
{
    public const string PasswordRole = "identitysync_password";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new AssertionException("IDENTITYSYNC_TEST_POSTGRES is not set: run the tests through build/test.sh, which starts a PostgreSQL server on loopback (or set it to an Npgsql connection string of a server you may create schemas on).");

    /// <summary>A new schema name for one test: 't' and 32 hex digits.</summary>
    public static string NewSchema() => "t" + Guid.NewGuid().ToString("N");

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public static Task DropAsync(string schema) => ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
}

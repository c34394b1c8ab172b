using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IdentitySync.Connections.Sql.Tests;

/// <summary>A real database a test arranges tables in: a SQLite file, or a schema of its own on the PostgreSQL server build/test.sh starts.</summary>
public abstract class TestDatabase : IDisposable
{
    /// <summary>The providers the tests give the package, as the command line does.</summary>
    public static readonly IReadOnlyDictionary<string, DbProviderFactory> Providers =
        new Dictionary<string, DbProviderFactory> { ["Sqlite"] = SqliteFactory.Instance, ["PostgreSql"] = NpgsqlFactory.Instance };

    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>A column type of at most 60 characters: a longer value is refused.</summary>
    public abstract string ShortText { get; }

    public static TestDatabase Create(string kind, string directory) => kind == "Sqlite" ? new SqliteDatabase(directory) : new PostgresDatabase();

    public Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Provider"] = Provider, ["ConnectionString"] = ConnectionString };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public void Execute(string sql, params object?[] values)
    {
        using var connection = Providers[Provider].CreateConnection()!;
        connection.ConnectionString = ConnectionString;
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            parameter.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        command.ExecuteNonQuery();
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private sealed class SqliteDatabase(string directory) : TestDatabase
    {
        public override string Provider => "Sqlite";

        public override string ConnectionString { get; } = $"Data Source={Path.Combine(directory, "managed.db")};Pooling=False";

        public override string ShortText => "TEXT CHECK (length(value) <= 60)";
    }

    private sealed class PostgresDatabase : TestDatabase
    {
        private readonly string _server;
        private readonly string _schema = "sqlconn_" + Guid.NewGuid().ToString("N")[..12];

        public PostgresDatabase()
        {
            _server = Environment.GetEnvironmentVariable("IDENTITYSYNC_TEST_POSTGRES") is { Length: > 0 } value
                ? value
                : throw new AssertionException("IDENTITYSYNC_TEST_POSTGRES is not set: run the tests through build/test.sh, which starts a PostgreSQL server on loopback.");
            using var connection = new NpgsqlConnection(_server);
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection);
            command.ExecuteNonQuery();
        }

        public override string Provider => "PostgreSql";

        public override string ConnectionString => _server + $";Search Path={_schema};Pooling=False";

        public override string ShortText => "varchar(60)";

        public override void Dispose()
        {
            using var connection = new NpgsqlConnection(_server);
            connection.Open();
            using var command = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
            command.ExecuteNonQuery();
            base.Dispose();
        }
    }
}

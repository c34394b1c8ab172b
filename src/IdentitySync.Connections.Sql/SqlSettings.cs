using System.Data.Common;
using System.Globalization;
using IdentitySync.Model;

namespace IdentitySync.Connections.Sql;

/// <summary>One table as the settings describe it: where it is read from and written to, and its change tracking.</summary>
internal sealed record SqlTable(string Name)
{
    /// <summary>Gets the table or view read (and written, without <see cref="WriteTo"/>); the table's name by default.</summary>
    public string? Source { get; init; }

    /// <summary>Gets the SELECT read instead of a table; such a table is written only with <see cref="WriteTo"/>.</summary>
    public string? Query { get; init; }

    /// <summary>Gets the table orders are written to.</summary>
    public string? WriteTo { get; init; }

    /// <summary>Gets the column that grows with each change (a timestamp or a row version), for incremental exports.</summary>
    public string? Watermark { get; init; }

    /// <summary>Gets how far before the last watermark the next incremental export starts (timestamps only).</summary>
    public TimeSpan Overlap { get; init; }

    /// <summary>Gets the column that marks a row deleted (a flag or a deletion time).</summary>
    public string? Deleted { get; init; }

    /// <summary>Gets the multi-valued columns read from child tables, by column name.</summary>
    public IReadOnlyDictionary<string, SqlChild> Children { get; init; } = new Dictionary<string, SqlChild>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets what an export reads: the quoted source, or the query as a derived table.</summary>
    public string From(SqlDialect dialect) => Query is { } query ? $"({query}) AS {dialect.Quote("q")}" : dialect.Quote(Source ?? Name);

    /// <summary>Gets the table orders are written to, quoted; null when the table is read through a query only.</summary>
    public string? Target(SqlDialect dialect) => WriteTo is { } target ? dialect.Quote(target) : Query is null ? dialect.Quote(Source ?? Name) : null;
}

/// <summary>A multi-valued column kept in a child table: one row per value, pointing at its parent row.</summary>
/// <param name="Table">The child table.</param>
/// <param name="ForeignKey">Its column that holds the parent's key.</param>
/// <param name="Value">Its column that holds one value.</param>
/// <param name="ParentKey">The parent's column the foreign key refers to.</param>
internal sealed record SqlChild(string Table, string ForeignKey, string Value, string ParentKey);

/// <summary>A connection's settings: the provider, the connection string, the tables and the separator of multiple values.</summary>
internal sealed record SqlSettings(DbProviderFactory Factory, string ConnectionString, IReadOnlyDictionary<string, SqlTable> Tables, string ValueSeparator)
{
    private static readonly string[] s_tableSettings = ["Source", "Query", "WriteTo", "Watermark", "Overlap", "Deleted"];

    public SqlTable Table(string name) => Tables.GetValueOrDefault(name) ?? new SqlTable(name);

    /// <summary>Reads the settings; problems as <c>Setting: message</c>.</summary>
    public static SqlSettings? TryRead(Connection connection, IReadOnlyDictionary<string, DbProviderFactory> providers, out List<string> problems)
    {
        problems = [];
        var settings = connection.Settings;
        DbProviderFactory? factory = null;
        if (settings.GetValueOrDefault("Provider") is { Length: > 0 } provider)
        {
            factory = providers.GetValueOrDefault(provider) ?? (DbProviderFactories.TryGetFactory(provider, out var registered) ? registered : null);
            if (factory is null)
            {
                problems.Add($"Provider: '{provider}' is not a provider this host has; it has {(providers.Count == 0 ? "none registered" : string.Join(", ", providers.Keys.Order(StringComparer.OrdinalIgnoreCase)))}");
            }
        }
        else
        {
            problems.Add("Provider: required; the ADO.NET provider, such as " + (providers.Count == 0 ? "Npgsql" : string.Join(" or ", providers.Keys.Order(StringComparer.OrdinalIgnoreCase))));
        }

        var connectionString = settings.GetValueOrDefault("ConnectionString");
        if (settings.GetValueOrDefault("ConnectionStringVariable") is { Length: > 0 } variable)
        {
            connectionString = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(connectionString))
            {
                problems.Add($"ConnectionStringVariable: the environment variable '{variable}' is not set");
            }
        }
        else if (string.IsNullOrEmpty(connectionString))
        {
            problems.Add("ConnectionString: required (or ConnectionStringVariable, the environment variable that holds it)");
        }

        var tables = new Dictionary<string, SqlTable>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            var child = key.IndexOf(".Child.", StringComparison.OrdinalIgnoreCase);
            if (child > 0)
            {
                var parts = value.Split(',', StringSplitOptions.TrimEntries);
                var owner = tables.GetValueOrDefault(key[..child]) ?? new SqlTable(key[..child]);
                if (parts.Length != 4 || parts.Any(static p => p.Length == 0))
                {
                    problems.Add($"{key}: '{value}' is not 'child table, foreign key column, value column, parent key column'");
                    continue;
                }

                tables[owner.Name] = owner with
                {
                    Children = new Dictionary<string, SqlChild>(owner.Children, StringComparer.OrdinalIgnoreCase) { [key[(child + 7)..]] = new SqlChild(parts[0], parts[1], parts[2], parts[3]) },
                };
                continue;
            }

            var dot = key.LastIndexOf('.');
            if (dot <= 0)
            {
                if (key is not ("Provider" or "ConnectionString" or "ConnectionStringVariable" or "ValueSeparator"))
                {
                    problems.Add($"{key}: unknown setting; the package reads Provider, ConnectionString, ConnectionStringVariable ValueSeparator and <table>.{string.Join("|", s_tableSettings)}|Child.<column>");
                }

                continue;
            }

            var (name, setting) = (key[..dot], key[(dot + 1)..]);
            var table = tables.GetValueOrDefault(name) ?? new SqlTable(name);
            switch (setting.ToUpperInvariant())
            {
                case "SOURCE": table = table with { Source = value }; break;
                case "QUERY": table = table with { Query = value }; break;
                case "WRITETO": table = table with { WriteTo = value }; break;
                case "WATERMARK": table = table with { Watermark = value }; break;
                case "DELETED": table = table with { Deleted = value }; break;
                case "OVERLAP" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    table = table with { Overlap = TimeSpan.FromSeconds(seconds) };
                    break;
                case "OVERLAP":
                    problems.Add($"{key}: '{value}' is not a whole number of seconds");
                    break;
                default:
                    problems.Add($"{key}: unknown setting; a table reads {string.Join(", ", s_tableSettings)} and Child.<column>");
                    break;
            }

            tables[name] = table;
        }

        foreach (var table in tables.Values.Where(static t => t.Query is not null && t.Source is not null))
        {
            problems.Add($"{table.Name}.Query: give Source or Query, not both");
        }

        foreach (var table in tables.Values.Where(static t => t.Query is { } q && !q.TrimStart().StartsWith("select", StringComparison.OrdinalIgnoreCase) && !q.TrimStart().StartsWith("with", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{table.Name}.Query: a query starts with SELECT or WITH");
        }

        var separator = settings.GetValueOrDefault("ValueSeparator") is { Length: > 0 } given ? given : "|";
        return problems.Count == 0 ? new SqlSettings(factory!, connectionString!, tables, separator) : null;
    }
}

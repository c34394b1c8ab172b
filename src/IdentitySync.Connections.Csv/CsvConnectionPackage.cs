using System.Text.RegularExpressions;
using IdentitySync.Model;

namespace IdentitySync.Connections.Csv;

/// <summary>The CSV connection package (<c>Csv</c>): exports tables from CSV files.</summary>
public sealed class CsvConnectionPackage : IConnectionPackage
{
    /// <summary>The package's id, as connections name it.</summary>
    public const string PackageId = "Csv";

    internal static readonly ConnectionSetting[] Descriptors =
    [
        new("Path", "The complete export's file: a path relative to the base directory or absolute, with {table} for the table's name and * or ? wildcards (the newest matching file wins).", isRequired: true, type: ConnectionSettingType.Path),
        new("IncrementalPath", "The incremental export's file, same syntax; each row has a 'command' column (insert, update, delete, merge).", type: ConnectionSettingType.Path),
        new("Separator", "The field separator, one character; \\t or tab for a tab.", type: ConnectionSettingType.Character, defaultValue: ","),
        new("Encoding", "The text encoding by name (utf-8, windows-1252, iso-8859-1…); a byte order mark wins.", defaultValue: "utf-8"),
        new("LinesToSkip", "Lines skipped before the header row.", type: ConnectionSettingType.WholeNumber, defaultValue: "0"),
        new("ValuesToTrim", "ASCII characters trimmed from both ends of every value, such as a space.", defaultValue: ""),
        new("Quotes", "Strict: a quote inside an unquoted field, or text after a closing quote, stops the run with the line. Lenient: both are read as text (ab\"c is ab\"c, \"ab\"c is abc); a quote never closed still stops the run.", type: ConnectionSettingType.Choice, defaultValue: "Strict", choices: ["Strict", "Lenient"]),
        new("TrailingSeparator", "true when every line may end with one extra separator (a,b,c,), which is then ignored; false, when the extra empty field is a line with too many fields.", type: ConnectionSettingType.Boolean, defaultValue: "false"),
    ];

    /// <inheritdoc />
    public string Id => PackageId;

    /// <inheritdoc />
    public ConnectionCapabilities Capabilities => ConnectionCapabilities.ExportComplete | ConnectionCapabilities.ExportIncremental | ConnectionCapabilities.ConcurrentTables;

    /// <inheritdoc />
    public IReadOnlyList<ConnectionSetting> Settings => Descriptors;

    /// <inheritdoc />
    public IReadOnlyList<string> ValidateSettings(Connection connection)
    {
        CsvConnectionSettings.TryRead(connection, out var errors);
        return errors;
    }

    /// <summary>Opens each table's file and checks that its header has every column the mappings read.</summary>
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> CheckAsync(Connection connection, IReadOnlyDictionary<string, IReadOnlyList<string>> tables, ConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var problems = new List<string>();
        var export = CreateExportConnection(connection, context);
        await using (export.ConfigureAwait(false))
        {
            foreach (var (table, columns) in tables.OrderBy(static t => t.Key, StringComparer.OrdinalIgnoreCase))
            {
                try
                {
                    var reader = await export.OpenTableAsync(new ExportRequest(table, columns, ExportMode.Complete), cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        problems.AddRange(reader.MissingColumns.Select(c => $"{table}.{c}: {reader.Source} has no column '{c}'"));
                    }
                }
                catch (ConnectionException exception)
                {
                    problems.Add($"{table}: {exception.Message}");
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// Lists the files the complete export's <c>Path</c> matches, by the table name its <c>{table}</c> stands for
    /// (<c>*</c> when the path has none), each with the columns of its header row; the newest file of a table,
    /// as a run reads it.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="context">Where the connection runs.</param>
    /// <param name="cancellationToken">Stops the discovery.</param>
    /// <returns>The tables.</returns>
    public async ValueTask<IReadOnlyList<DiscoveredTable>?> DiscoverAsync(Connection connection, ConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = CsvConnectionSettings.TryRead(connection, out var errors)
            ?? throw new ConnectionException($"Connection '{connection.Name}' of connector '{context.Connector}' has invalid settings: {string.Join("; ", errors)}") { Kind = FailureKind.InvalidInput };
        var full = Path.GetFullPath(Path.Combine(context.BaseDirectory, settings.Path));
        var directory = Path.GetDirectoryName(full)!;
        var pattern = new Regex(
            "^" + Regex.Replace(Regex.Escape(Path.GetFileName(full)), @"\\\{table}", "(?<table>.+?)", RegexOptions.IgnoreCase).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
        var newest = (Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles() : [])
            .Select(f => (File: f, Match: pattern.Match(f.Name)))
            .Where(static f => f.Match.Success)
            .GroupBy(static f => f.Match.Groups["table"].Success ? f.Match.Groups["table"].Value : "*", StringComparer.OrdinalIgnoreCase)
            .Select(static g => (Table: g.Key, File: g.OrderByDescending(static f => f.File.LastWriteTimeUtc).ThenByDescending(static f => f.File.Name, StringComparer.Ordinal).First().File))
            .OrderBy(static t => t.Table, StringComparer.OrdinalIgnoreCase);
        var tables = new List<DiscoveredTable>();
        foreach (var (table, file) in newest)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var source = Path.GetRelativePath(context.BaseDirectory, file.FullName);
            var reader = CsvTableReader.Open(file.FullName, source, settings, new ExportRequest(table, [], ExportMode.Complete));
            await using (reader.ConfigureAwait(false))
            {
                tables.Add(new DiscoveredTable(table, reader.Headers, source));
            }
        }

        return tables;
    }

    /// <inheritdoc />
    public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = CsvConnectionSettings.TryRead(connection, out var errors)
            ?? throw new ConnectionException($"Connection '{connection.Name}' of connector '{context.Connector}' has invalid settings: {string.Join("; ", errors)}") { Kind = FailureKind.InvalidInput };
        return new CsvExportConnection(connection.Name, settings, context);
    }
}

using System.Globalization;
using System.Text;
using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.Connections.Csv;

/// <summary>The typed settings of a CSV connection, read from the connection's settings.</summary>
public sealed record CsvConnectionSettings
{
    static CsvConnectionSettings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Gets the file of the complete export: a path, optionally with <c>{table}</c> for the table's name and <c>*</c>/<c>?</c> wildcards (the newest matching file wins).</summary>
    public required string Path { get; init; }

    /// <summary>Gets the file of the incremental export, with the same syntax as <see cref="Path"/>; incremental runs need it.</summary>
    public string? IncrementalPath { get; init; }

    /// <summary>Gets the field separator.</summary>
    /// <value>The default value is <c>,</c>.</value>
    public char Separator { get; init; } = ',';

    /// <summary>Gets the text encoding; a byte order mark in the file takes precedence.</summary>
    /// <value>The default value is UTF-8.</value>
    public Encoding Encoding { get; init; } = new UTF8Encoding(false);

    /// <summary>Gets the number of lines skipped before the header row.</summary>
    /// <value>The default value is 0.</value>
    public int LinesToSkip { get; init; }

    /// <summary>Gets the characters trimmed from both ends of every value.</summary>
    /// <value>The default value is empty: values are kept as they are.</value>
    public string ValuesToTrim { get; init; } = string.Empty;

    /// <summary>Gets how malformed quoting is read.</summary>
    /// <value>The default value is <see cref="CsvQuotes.Strict"/>.</value>
    public CsvQuotes Quotes { get; init; }

    /// <summary>Gets a value indicating whether every line may end with one extra separator, which is then ignored.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool TrailingSeparator { get; init; }

    /// <summary>Reads and checks the settings of a connection.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="errors">Problems as <c>Setting: message</c>.</param>
    /// <returns>The settings, or <see langword="null"/> when there are errors.</returns>
    public static CsvConnectionSettings? TryRead(Connection connection, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var problems = new List<string>();
        var settings = connection.Settings;
        foreach (var name in settings.Keys)
        {
            if (!CsvConnectionPackage.Descriptors.Any(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                var known = CsvConnectionPackage.Descriptors.Select(static d => d.Name).ToList();
                problems.Add($"{name}: unknown setting; {StrictConfiguration.Suggest(name, known, $"the CSV package reads {string.Join(", ", known)}")}");
            }
        }

        var path = settings.GetValueOrDefault("Path");
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add("Path: required; give the CSV file of the complete export, for example exports/{table}.csv");
        }

        var separator = ',';
        if (settings.GetValueOrDefault("Separator") is { } separatorText)
        {
            separatorText = separatorText is "\\t" or "tab" or "TAB" ? "\t" : separatorText;
            if (separatorText.Length != 1 || separatorText[0] is '"' or '\r' or '\n')
            {
                problems.Add($"Separator: '{separatorText}' is not a separator; give one character such as , ; | or \\t");
            }
            else
            {
                separator = separatorText[0];
            }
        }

        Encoding encoding = new UTF8Encoding(false);
        if (settings.GetValueOrDefault("Encoding") is { Length: > 0 } encodingName)
        {
            try
            {
                encoding = Encoding.GetEncoding(encodingName);
            }
            catch (ArgumentException)
            {
                problems.Add($"Encoding: '{encodingName}' is not a known encoding; give a name such as utf-8, windows-1252 or iso-8859-1");
            }
        }

        var linesToSkip = 0;
        if (settings.GetValueOrDefault("LinesToSkip") is { } linesText
            && (!int.TryParse(linesText, NumberStyles.None, CultureInfo.InvariantCulture, out linesToSkip) || linesToSkip < 0))
        {
            problems.Add($"LinesToSkip: '{linesText}' is not a count; give a whole number, 0 or more");
        }

        var trim = settings.GetValueOrDefault("ValuesToTrim") ?? string.Empty;
        if (trim.Any(static c => c > 127))
        {
            problems.Add("ValuesToTrim: only ASCII characters can be trimmed");
        }

        var quotes = CsvQuotes.Strict;
        if (settings.GetValueOrDefault("Quotes") is { } quotesText && (!Enum.TryParse(quotesText, ignoreCase: true, out quotes) || !Enum.IsDefined(quotes) || int.TryParse(quotesText, out _)))
        {
            problems.Add($"Quotes: '{quotesText}' is not a quoting rule; give Strict or Lenient");
        }

        var trailing = false;
        if (settings.GetValueOrDefault("TrailingSeparator") is { } trailingText && !bool.TryParse(trailingText, out trailing))
        {
            problems.Add($"TrailingSeparator: '{trailingText}' is not true or false");
        }

        errors = problems;
        return problems.Count > 0 ? null : new CsvConnectionSettings
        {
            Path = path!,
            IncrementalPath = settings.GetValueOrDefault("IncrementalPath") is { Length: > 0 } incremental ? incremental : null,
            Separator = separator,
            Encoding = encoding,
            LinesToSkip = linesToSkip,
            ValuesToTrim = trim,
            Quotes = quotes,
            TrailingSeparator = trailing,
        };
    }
}

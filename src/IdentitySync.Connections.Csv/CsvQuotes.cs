namespace IdentitySync.Connections.Csv;

/// <summary>How a CSV connection reads quotes that break RFC 4180.</summary>
public enum CsvQuotes
{
    /// <summary>A quote inside an unquoted field, or text after a closing quote, stops the run with the file and line.</summary>
    Strict,

    /// <summary>
    /// A quote inside an unquoted field is text (<c>ab"c</c>), and text after a closing quote is appended
    /// (<c>"ab"c</c> is <c>abc</c>); a quoted field that is never closed still stops the run.
    /// </summary>
    Lenient,
}

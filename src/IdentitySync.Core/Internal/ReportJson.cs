using System.Text.Encodings.Web;
using System.Text.Json;

namespace IdentitySync.Internal;

/// <summary>
/// The one JSON shape of every report and of orders: indented, camelCase, enums as names (the contexts'
/// <c>UseStringEnumConverter</c>), readable non-ASCII text. Each namespace that owns a report has its own
/// source-generated context built on these options (decision 75).
/// </summary>
internal static class ReportJson
{
    /// <summary>Options for one context's report instance; the context makes them read-only.</summary>
    /// <returns>New options.</returns>
    public static JsonSerializerOptions CreateOptions() => new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

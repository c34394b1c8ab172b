using IdentitySync.Model;

namespace IdentitySync.Cli;

/// <summary>
/// Text from exports, stores and messages as the console shows it: the configuration's secrets masked
/// (<see cref="CliApplication.Secrets"/>), unprintable characters escaped (see <see cref="PrintableText"/>).
/// </summary>
internal static class Shown
{
    /// <summary>A message of one or more lines: its line breaks kept, every other unprintable character escaped.</summary>
    /// <param name="text">The message.</param>
    public static string Message(string? text) =>
        string.Join('\n', CliApplication.Secrets.Redact(text ?? string.Empty).ReplaceLineEndings("\n").Split('\n').Select(PrintableText.Escape));

    /// <summary>The text with unprintable characters escaped and its brackets never read as Spectre.Console markup.</summary>
    /// <param name="text">The text.</param>
    public static string Markup(string? text) => Spectre.Console.Markup.Escape(PrintableText.Escape(CliApplication.Secrets.Redact(text)));
}

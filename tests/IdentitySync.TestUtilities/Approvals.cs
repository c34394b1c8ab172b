using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IdentitySync.Testing;

/// <summary>
/// Approval ("snapshot") tests without a package: the value is compared with a committed
/// <c>*.verified.json</c> (or an approved text file) beside the test; on a mismatch the actual value
/// is written to <c>*.received.*</c> and the test fails with the first differing lines.
/// Approve a change by reviewing the received file and renaming it over the verified one.
/// </summary>
public static class Approvals
{
    /// <summary>The JSON shape used for approvals: indented, camelCase, enums as names.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Compares a value, serialized to JSON, with <c>{TestFile}.{name}.verified.json</c> beside the test.</summary>
    /// <param name="value">The value.</param>
    /// <param name="name">The snapshot's name; the calling test method by default.</param>
    /// <param name="options">How to serialize; <see cref="JsonOptions"/> by default.</param>
    /// <param name="sourceFile">Filled by the compiler.</param>
    public static void VerifyJson(
        object? value,
        [CallerMemberName] string name = "",
        JsonSerializerOptions? options = null,
        [CallerFilePath] string sourceFile = "")
    {
        var json = JsonSerializer.Serialize(value, options ?? JsonOptions);
        var stem = Path.Combine(Path.GetDirectoryName(sourceFile)!, Path.GetFileNameWithoutExtension(sourceFile) + "." + name);
        VerifyFile(json, stem + ".verified.json", stem + ".received.json");
    }

    /// <summary>Compares text with an approved file.</summary>
    /// <param name="actual">The actual text.</param>
    /// <param name="approvedFile">The approved file's path.</param>
    /// <param name="receivedFile">Where the actual text is written on a mismatch.</param>
    public static void VerifyFile(string actual, string approvedFile, string receivedFile)
    {
        actual = Normalize(actual);
        if (!File.Exists(approvedFile))
        {
            File.WriteAllText(receivedFile, actual, new UTF8Encoding(false));
            Assert.Fail($"No approved file {approvedFile}. The actual value is in {receivedFile}: review it and rename it to approve.");
        }

        var approved = Normalize(File.ReadAllText(approvedFile));
        if (string.Equals(approved, actual, StringComparison.Ordinal))
        {
            File.Delete(receivedFile);
            return;
        }

        File.WriteAllText(receivedFile, actual, new UTF8Encoding(false));
        Assert.Fail($"{Path.GetFileName(approvedFile)} differs from the actual value, written to {receivedFile}:"
            + Environment.NewLine + Diff(approved, actual));
    }

    /// <summary>Describes the lines that differ between two texts (at most ten).</summary>
    /// <param name="expected">The approved text.</param>
    /// <param name="actual">The actual text.</param>
    /// <returns>One <c>-</c>/<c>+</c> pair per differing line.</returns>
    public static string Diff(string expected, string actual)
    {
        var left = expected.Split('\n');
        var right = actual.Split('\n');
        var report = new StringBuilder();
        var shown = 0;
        for (var i = 0; i < Math.Max(left.Length, right.Length) && shown < 10; i++)
        {
            var l = i < left.Length ? left[i] : "<end>";
            var r = i < right.Length ? right[i] : "<end>";
            if (!string.Equals(l, r, StringComparison.Ordinal))
            {
                report.Append("line ").Append(i + 1).Append(":\n  - ").Append(l).Append("\n  + ").Append(r).Append('\n');
                shown++;
            }
        }

        return report.ToString();
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";
}

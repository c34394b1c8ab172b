using System.Buffers;
using System.Text.Json;

namespace IdentitySync.Synchronization;

/// <summary>
/// Stage 5b of a synchronization: every quarantined row of the run to <see cref="SyncRunOptions.QuarantineOutput"/>,
/// one JSON object a line, in source then line order, before anything is applied (the report lists only the first).
/// </summary>
internal static class QuarantineWriter
{
    /// <summary>Writes the run's quarantined rows to the stream and flushes it, leaving it open.</summary>
    /// <param name="output">The stream.</param>
    /// <param name="connector">The connector, named on every line.</param>
    /// <param name="plan">The run's plan, read to its end.</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    /// <returns><see langword="null"/> when the stream took every row; otherwise why writing to it failed.</returns>
    public static async Task<string?> TryWriteAsync(Stream output, string connector, TablePlan plan, CancellationToken cancellationToken)
    {
        var rows = plan.Entities.Values.SelectMany(static e => e.Quarantined)
            .Concat(plan.Associations.SelectMany(static a => a.Quarantined))
            .OrderBy(static q => q.Source, StringComparer.Ordinal)
            .ThenBy(static q => q.Line);
        try
        {
            // Lines gather in a buffer written out every 64 KiB: a million rows are not a million writes to the stream.
            var buffer = new ArrayBufferWriter<byte>(1 << 16);
            using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("connector", connector);
                json.WriteString("source", row.Source);
                json.WriteNumber("line", row.Line);
                if (row.Key is null)
                {
                    json.WriteNull("key");
                }
                else
                {
                    json.WriteString("key", row.Key);
                }

                json.WriteString("reason", row.Reason);
                json.WriteEndObject();
                json.Flush();
                json.Reset();
                buffer.Write("\n"u8);
                if (buffer.WrittenCount >= 1 << 16)
                {
                    await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    buffer.ResetWrittenCount();
                }
            }

            await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception exception) when (exception is IOException or NotSupportedException or ObjectDisposedException or UnauthorizedAccessException)
        {
            return exception.Message;
        }
    }
}

using System.Globalization;
using IdentitySync.Synchronization;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary>Shows a synchronization's progress: a live status line on a terminal, plain lines (one per table and step) otherwise.</summary>
internal static class SyncProgressDisplay
{
    public static async Task<SyncReport> RunAsync(IAnsiConsole console, string connector, Func<IProgress<SyncProgress>, Task<SyncReport>> run)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            return await console.Status().StartAsync($"{connector}: starting", context => run(new Live(context))).ConfigureAwait(false);
        }

        return await run(new Plain(console)).ConfigureAwait(false);
    }

    private static string Describe(SyncProgress progress) => progress.Step switch
    {
        SyncStep.Read => string.Create(CultureInfo.InvariantCulture, $"{progress.Connector}: reading {progress.Table}, {progress.Rows:N0} rows"),
        SyncStep.Diff => $"{progress.Connector}: computing the change set and checking thresholds",
        _ => $"{progress.Connector}: applying the change set in one transaction",
    };

    private sealed class Live(StatusContext context) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => context.Status(Shown.Markup(Describe(value)));
    }

    private sealed class Plain(IAnsiConsole console) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            // One line when a table starts and one per later step: logs stay short on large exports.
            if (value.Step != SyncStep.Read || value.Rows == 0)
            {
                console.MarkupLine(Shown.Markup(value.Step == SyncStep.Read ? $"{value.Connector}: reading {value.Table}" : Describe(value)));
            }
        }
    }
}

using System.CommandLine;
using System.Runtime.CompilerServices;
using IdentitySync.Connections;
using IdentitySync.Synchronization;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary>The <c>identitysync</c> command line: parses, runs one command, maps the outcome to an exit code.</summary>
internal static class CliApplication
{
    /// <summary>Whether <c>--verbose</c> was given to the command running on this flow: unexpected failures then show their stack trace.</summary>
    private static readonly AsyncLocal<bool> s_verbose = new();

    private static readonly Option<bool> s_verboseOption = new("--verbose") { Description = "On an unexpected failure, also print its technical details (the stack trace).", Recursive = true };

    /// <summary>
    /// The secrets of the configuration this flow loaded: every message and value printed is masked with them.
    /// A box, set up when a command starts, so that what a verb's body loads is seen by the guard around it.
    /// </summary>
    private static readonly AsyncLocal<StrongBox<SecretRedactor>?> s_secrets = new();

    /// <summary>Gets or sets the secrets masked in everything this flow prints or writes (set when a configuration is loaded).</summary>
    internal static SecretRedactor Secrets
    {
        get => s_secrets.Value?.Value ?? SecretRedactor.None;
        set
        {
            if (s_secrets.Value is { } box)
            {
                box.Value = value;
            }
            else
            {
                s_secrets.Value = new StrongBox<SecretRedactor>(value);
            }
        }
    }

    /// <summary>Gets or sets whether unexpected failures show their stack trace on this flow (<c>--verbose</c>).</summary>
    internal static bool Verbose
    {
        get => s_verbose.Value;
        set => s_verbose.Value = value;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var console = CreateConsole(output, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        var root = BuildCommands(console, output, error);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'identitysync --help' for the commands and options.").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        Verbose = parsed.GetValue(s_verboseOption);
        s_secrets.Value = new StrongBox<SecretRedactor>(SecretRedactor.None);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken).ConfigureAwait(false);
    }

    internal static IAnsiConsole CreateConsole(TextWriter output, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });

        // Redirected output (files, CI logs, tests) has no terminal width; 120 keeps tables on one line.
        if (!interactive)
        {
            console.Profile.Width = 120;
        }

        return console;
    }

    private static RootCommand BuildCommands(IAnsiConsole console, TextWriter output, TextWriter error)
    {
        var config = new Option<string?>("--config") { Description = $"The configuration file (default: {CliContext.DefaultConfigFile} in the current directory).", Recursive = true };
        var store = new Option<string?>("--store") { Description = $"The store: a SQLite file, or postgres://user@host:port/database?schema=name (default: the configuration's Store section, or {CliContext.DefaultStoreFile} beside it).", Recursive = true };
        var root = new RootCommand("identitysync: synchronize managed systems into an identity repository, from a JSON configuration.");
        root.Options.Add(config);
        root.Options.Add(store);
        root.Options.Add(s_verboseOption);

        var commands = new Commands(console, output, error, config, store);
        root.Subcommands.Add(commands.Demo());
        root.Subcommands.Add(commands.Validate());
        root.Subcommands.Add(commands.Schema());
        root.Subcommands.Add(commands.Connections());
        root.Subcommands.Add(commands.Discover());
        root.Subcommands.Add(commands.Sync());
        root.Subcommands.Add(commands.Resume());
        root.Subcommands.Add(commands.Abandon());
        root.Subcommands.Add(commands.Blocked());
        root.Subcommands.Add(commands.Resources());
        root.Subcommands.Add(new CategorizeCommands(console, output, error, config, store).Categorize());
        var provisioning = new ProvisionCommands(console, output, error, config, store);
        root.Subcommands.Add(provisioning.Provision());
        root.Subcommands.Add(provisioning.Orders());
        root.Subcommands.Add(provisioning.Tickets());
        root.Subcommands.Add(new JobCommands(console, error, config, store).Jobs());
        root.Subcommands.Add(new StoreCommands(output, error, config, store).Store());
        return root;
    }

    /// <summary>Runs a command body: every failure ends in one message and its code from <see cref="ExitCodes"/>, nothing half-written.</summary>
    internal static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (UsageException exception)
        {
            await error.WriteLineAsync(Shown.Message(exception.Message)).ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }
        catch (IdentitySyncException exception)
        {
            await error.WriteLineAsync(Shown.Message(exception.Message)).ConfigureAwait(false);
            return ExitCodes.Of(exception.Kind);
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("Cancelled; nothing of the interrupted run was applied.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception exception)
        {
            // Nothing else may end in an unhandled exception: one message, the details on request.
            await error.WriteLineAsync(Shown.Message(Unexpected(exception))).ConfigureAwait(false);
            if (Verbose)
            {
                await error.WriteLineAsync(Shown.Message(exception.ToString())).ConfigureAwait(false);
            }

            return ExitCodes.Failure;
        }
    }

    /// <summary>The message of a failure no layer turned into an <see cref="IdentitySyncException"/>: what happened, and what was kept.</summary>
    internal static string Unexpected(Exception exception)
    {
        var what = exception switch
        {
            IOException io when io.HResult == 28 || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => $"the disk is full ({io.Message})",
            UnauthorizedAccessException denied => $"access was denied ({denied.Message})",
            IOException io => $"a file could not be read or written ({io.Message})",
            _ => $"{exception.Message} ({exception.GetType().Name})",
        };
        return $"Failed: {what}. Nothing of an unfinished run was applied; run the command again with --verbose for the technical details.";
    }

    /// <summary>The exit code of synchronizations: the first failure's, else blocked, else success.</summary>
    internal static int ExitCodeOf(IEnumerable<SyncReport> reports)
    {
        var all = reports.ToList();
        return all.FirstOrDefault(static r => r.Outcome == SyncOutcome.Failed) is { } failed ? ExitCodes.Of(failed.Failure is FailureKind.None ? FailureKind.Failed : failed.Failure)
            : all.Any(static r => r.Outcome == SyncOutcome.Blocked) ? ExitCodes.Blocked
            : ExitCodes.Success;
    }
}

using System.CommandLine;
using System.Globalization;
using IdentitySync.ChangeSets;
using IdentitySync.JobRuns;
using IdentitySync.Jobs;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary><c>identitysync jobs run|list|show|resume</c>: the job runner over the configured connectors.</summary>
internal sealed class JobCommands(IAnsiConsole console, TextWriter error, Option<string?> config, Option<string?> store)
{
    public Command Jobs() => new("jobs", "Run connectors as one job, and list, show or resume job runs.") { Run(), List(), Show(), Resume() };

    private static IReadOnlyList<IJobTask> Tasks(CliContext context, IResourceStore resourceStore, IEnumerable<string> connectors, SyncMode mode, bool provision) =>
        StandardJob.Create(
            context.Model,
            context.Engine(resourceStore),
            new Categorization.CategorizationEngine(context.Model, resourceStore),
            provision && context.Provisions ? context.Provisioning(resourceStore) : null,
            connectors,
            mode,
            provision);

    private static IJobTask TaskNamed(CliContext context, IResourceStore resourceStore, string name)
    {
        if (SynchronizeTask.ParseName(name) is { } sync)
        {
            return new SynchronizeTask(context.Engine(resourceStore), context.Connector(sync.Connector).Name, new SyncRunOptions { Mode = sync.Mode });
        }

        var provisioning = context.Provisioning(resourceStore);
        return name switch
        {
            "categorize" => new CategorizeTask(new Categorization.CategorizationEngine(context.Model, resourceStore)),
            "verify" => new VerifyTask(provisioning),
            "provision" => new GenerateOrdersTask(provisioning),
            "fulfill" or "fulfil" => new FulfillTask(provisioning), // "fulfil": job runs kept before decision 50
            _ => throw new UsageException($"Job run task '{name}' cannot be resumed by this version."),
        };
    }

    /// <summary>A job's exit code: a failed task's own (a store unavailable: 4, an unreadable export: 7, …), 3 when blocked, 130 when cancelled.</summary>
    private static int ExitCodeOf(JobRun run) => run.Status switch
    {
        JobStatus.Succeeded => ExitCodes.Success,
        JobStatus.Blocked => ExitCodes.Blocked,
        JobStatus.Cancelled => ExitCodes.Cancelled,
        _ => run.Tasks.FirstOrDefault(static t => t.Status == JobTaskStatus.Failed) is { Failure: not FailureKind.None } failed
            ? ExitCodes.Of(failed.Failure)
            : ExitCodes.Failure,
    };

    private Command Run()
    {
        var connectors = new Option<string[]>("--connector") { Description = "Connectors to synchronize, in order (default: every connector of the configuration; deactivated ones are skipped).", AllowMultipleArgumentsPerToken = true };
        var mode = new Option<SyncMode>("--mode") { Description = "initial, complete or incremental.", DefaultValueFactory = static _ => SyncMode.Complete };
        var noProvision = new Option<bool>("--no-provision") { Description = "Stop after categorization: do not verify, generate or fulfill orders." };
        var command = new Command("run", "Synchronize connectors one after another, categorize, then verify, generate and fulfill orders, as one job; a blocked or failed task stops it.") { connectors, mode, noProvision };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var names = parse.GetValue(connectors) is { Length: > 0 } given
                ? given.Select(n => context.Connector(n).Name).ToList()
                : context.Model.Connectors.Select(static c => c.Name).ToList();
            var resourceStore = context.OpenStore();
            var tasks = Tasks(context, resourceStore, names, parse.GetValue(mode), provision: !parse.GetValue(noProvision));
            var run = await new JobRunner(resourceStore, secrets: CliApplication.Secrets).RunAsync("sync", tasks, new Progress(console), cancellationToken).ConfigureAwait(false);
            Print(run);
            return ExitCodeOf(run);
        }));
        return command;
    }

    private Command List()
    {
        var limit = new Option<int>("--limit") { Description = "How many runs to list, newest first.", DefaultValueFactory = static _ => 20 };
        var command = new Command("list", "List the latest job runs.") { limit };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var runs = await context.OpenStore().GetJobRunsAsync(Math.Clamp(parse.GetValue(limit), 1, 1000), cancellationToken).ConfigureAwait(false);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "job", "started (UTC)", "status", "tasks");
            foreach (var run in runs)
            {
                table.AddRow(
                    Shown.Markup(run.Id),
                    Shown.Markup(run.Job),
                    run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    run.Status.ToString(),
                    Shown.Markup(string.Join(", ", run.Tasks.Select(static t => $"{t.Task}: {t.Status}"))));
            }

            console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private Command Show()
    {
        var id = new Argument<string>("id") { Description = "The run's id, as 'jobs list' shows it." };
        var command = new Command("show", "Show a job run: each task's result and the log.") { id };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            Print(await Find(context, parse.GetValue(id)!, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        }));
        return command;
    }

    private Command Resume()
    {
        var id = new Argument<string>("id") { Description = "The blocked, failed or cancelled run's id." };
        var command = new Command("resume", "Continue a blocked or failed job run from the task that stopped it (a blocked synchronization applies its staged change set).") { id };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var run = await Find(context, parse.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            var resourceStore = context.OpenStore();
            var tasks = run.Tasks.Select(t => TaskNamed(context, resourceStore, t.Task)).ToList();
            JobRun resumed;
            try
            {
                resumed = await new JobRunner(resourceStore, secrets: CliApplication.Secrets).ResumeAsync(run, tasks, new Progress(console), cancellationToken).ConfigureAwait(false);
            }
            catch (IdentitySyncException exception)
            {
                throw new UsageException(exception.Message);
            }

            Print(resumed);
            return ExitCodeOf(resumed);
        }));
        return command;
    }

    private static async Task<JobRun> Find(CliContext context, string id, CancellationToken cancellationToken) =>
        await context.OpenStore().GetJobRunAsync(id, cancellationToken).ConfigureAwait(false)
        ?? throw new UsageException($"No job run has the id '{id}'; 'identitysync jobs list' shows them.");

    private void Print(JobRun run)
    {
        console.MarkupLine($"Job run [bold]{Shown.Markup(run.Id)}[/] ({Shown.Markup(run.Job)}): {run.Status}");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("task", "status", "seconds", "message");
        foreach (var task in run.Tasks)
        {
            table.AddRow(Shown.Markup(task.Task), task.Status.ToString(), task.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture), Shown.Markup(task.Message ?? string.Empty));
        }

        console.Write(table);
        foreach (var line in run.Log)
        {
            console.MarkupLine("  " + Shown.Markup(line));
        }
    }

    /// <summary>Plain progress lines: one when a task starts and one when it ends.</summary>
    private sealed class Progress(IAnsiConsole console) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => console.MarkupLine(value.Status == JobTaskStatus.Pending
            ? $"[[{value.TaskIndex + 1}/{value.TaskCount}]] {Shown.Markup(value.Task)}..."
            : $"[[{value.TaskIndex + 1}/{value.TaskCount}]] {Shown.Markup(value.Task)}: {value.Status}");
    }
}

using System.CommandLine;
using System.Globalization;
using IdentitySync.ChangeSets;
using IdentitySync.Connections;
using IdentitySync.Storage;
using IdentitySync.Synchronization;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary>The commands; each reads the configuration itself, so bad input stops it before anything is written.</summary>
internal sealed class Commands(IAnsiConsole console, TextWriter output, TextWriter error, Option<string?> config, Option<string?> store)
{
    private static readonly Option<string?> s_report = new("--report") { Description = "Also write the machine-readable JSON report to this file." };

    public Command Validate()
    {
        var connect = new Option<bool>("--connect") { Description = "Also connect to each managed system and check that the tables and columns the mappings read exist there." };
        var command = new Command("validate", "Check the configuration and say what is wrong, setting by setting.") { connect };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var problems = context.CheckConnectionSettings();
            if (problems.Count == 0 && parse.GetValue(connect))
            {
                problems = await context.CheckConnectionsAsync(cancellationToken).ConfigureAwait(false);
            }

            if (problems.Count > 0)
            {
                throw UsageException.Invalid(context.ConfigPath, problems);
            }

            console.MarkupLine($"{Shown.Markup(context.ConfigPath)} is valid: {context.Model.EntityTypes.Count} entity types, "
                + $"{context.Model.Connectors.Count} connectors, {context.Model.ResourceTypes.Count} resource types.");
            return ExitCodes.Success;
        }));
        return command;
    }

    public Command Schema()
    {
        var command = new Command("schema", "Print the JSON Schema of the configuration file, for editors (point the file's \"$schema\" at it).");
        command.SetAction((_, _) => CliApplication.GuardAsync(error, async () =>
        {
            await output.WriteAsync(ConfigurationSchema.Generate()).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    public Command Discover()
    {
        var connector = new Option<string?>("--connector") { Description = "One connector (default: every one)." };
        var command = new Command("discover", "Connect to each managed system and list the tables its connections can read, with their columns: what mappings can name.") { connector };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            if (context.CheckConnectionSettings() is { Count: > 0 } problems)
            {
                throw UsageException.Invalid(context.ConfigPath, problems);
            }

            foreach (var (owner, connection, tables) in await context.DiscoverAsync(parse.GetValue(connector), cancellationToken).ConfigureAwait(false))
            {
                console.MarkupLine($"[bold]{Shown.Markup(owner.Name)}.{Shown.Markup(connection.Name)}[/] ({Shown.Markup(connection.Package)})");
                if (tables is null)
                {
                    console.MarkupLine("  its package cannot list what it reads");
                    continue;
                }

                if (tables.Count == 0)
                {
                    console.MarkupLine("  no table found");
                }

                foreach (var table in tables)
                {
                    console.MarkupLine($"  {Shown.Markup(table.Name)} [dim]({Shown.Markup(table.Source)})[/]: {Shown.Markup(string.Join(", ", table.Columns))}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    public Command Connections()
    {
        var package = new Argument<string?>("package") { Description = "One package's id, such as Csv (default: every package).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("connections", "List the connection packages this command line knows (with the plug-ins the configuration names), and the settings each reads: type, default, required, secret.") { package };
        command.SetAction((parse, _) => CliApplication.GuardAsync(error, () =>
        {
            var wanted = parse.GetValue(package);
            var known = CliContext.PackagesFor(parse.GetValue(config));
            var packages = known.Where(p => wanted is null || string.Equals(p.Id, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            if (packages.Count == 0)
            {
                throw new UsageException($"No connection package '{wanted}'; this command line knows {string.Join(", ", known.Select(static p => p.Id))}.");
            }

            foreach (var each in packages)
            {
                var origin = CliContext.IsBuiltIn(each) ? string.Empty : ", plug-in";
                console.MarkupLine($"[bold]{Shown.Markup(each.Id)}[/] ({Shown.Markup(each.Capabilities.ToString())}{origin})");
                var table = new Table().Border(TableBorder.Rounded).AddColumns("setting", "type", "default", "", "meaning");
                foreach (var setting in each.Settings)
                {
                    var type = setting.Type switch
                    {
                        ConnectionSettingType.Choice => string.Join(" | ", setting.Choices),
                        ConnectionSettingType.WholeNumber => "whole number",
                        _ => setting.Type.ToString().ToLowerInvariant(),
                    };
                    var flags = string.Join(", ", new[] { setting.IsRequired ? "required" : null, setting.IsSecret ? "secret" : null }.OfType<string>());
                    table.AddRow(Shown.Markup(setting.Name), Shown.Markup(type), Shown.Markup(setting.DefaultValue ?? string.Empty), flags, Shown.Markup(setting.Description));
                }

                console.Write(table);
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    public Command Sync()
    {
        var connector = new Option<string?>("--connector") { Description = "The connector to synchronize (default: every active connector, in configuration order)." };
        var mode = new Option<SyncMode>("--mode") { Description = "initial, complete or incremental.", DefaultValueFactory = static _ => SyncMode.Complete };
        var force = new Option<bool>("--force") { Description = "Bypass thresholds for this run." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Compute and report everything, write nothing." };
        var readUnchanged = new Option<bool>("--read-unchanged") { Description = "Read and compare an export even when it is identical to the one last applied (otherwise skipped)." };
        var quarantine = new Option<string?>("--quarantine") { Description = "Write every quarantined row to this file, one JSON object a line (the report lists the first 1,000 of each table)." };
        var command = new Command("sync", "Synchronize connectors: export, prepare, diff, thresholds, one transaction.") { connector, mode, force, dryRun, readUnchanged, s_report, quarantine };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var reportFile = OutputFile.Check("--report", parse.GetValue(s_report));
            var quarantineFile = OutputFile.Check("--quarantine", parse.GetValue(quarantine));
            var names = parse.GetValue(connector) is { } one
                ? [context.Connector(one).Name]
                : context.Model.Connectors.Where(static c => !c.IsDeactivated).Select(static c => c.Name).ToList();
            var isDryRun = parse.GetValue(dryRun);
            var engine = context.Engine(context.OpenStore(isDryRun));
            // One file for every connector's rows: each line names its connector.
            using var quarantined = quarantineFile?.Create();
            var options = new SyncRunOptions { Mode = parse.GetValue(mode), Force = parse.GetValue(force), DryRun = isDryRun, ReadUnchanged = parse.GetValue(readUnchanged), QuarantineOutput = quarantined };
            var reports = new List<SyncReport>();
            foreach (var name in names)
            {
                var report = await SyncProgressDisplay.RunAsync(console, name, progress =>
                    engine.SynchronizeAsync(name, options with { Progress = progress }, cancellationToken)).ConfigureAwait(false);
                ReportPrinter.Print(console, report);
                reports.Add(report);
            }

            return OutputFile.ExitCode(CliApplication.ExitCodeOf(reports), await WriteReportAsync(reportFile, reports, cancellationToken).ConfigureAwait(false));
        }));
        return command;
    }

    public Command Resume()
    {
        var connector = new Option<string>("--connector") { Description = "The blocked connector.", Required = true };
        var command = new Command("resume", "Apply a synchronization a threshold blocked, exactly as it was staged.") { connector, s_report };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var name = context.Connector(parse.GetValue(connector)!).Name;
            var reportFile = OutputFile.Check("--report", parse.GetValue(s_report));
            var report = await context.Engine(context.OpenStore()).ResumeAsync(name, cancellationToken).ConfigureAwait(false);
            ReportPrinter.Print(console, report);
            return OutputFile.ExitCode(CliApplication.ExitCodeOf([report]), await WriteReportAsync(reportFile, [report], cancellationToken).ConfigureAwait(false));
        }));
        return command;
    }

    public Command Blocked()
    {
        var connector = new Option<string>("--connector") { Description = "The blocked connector.", Required = true };
        var scope = new Option<string?>("--scope") { Description = "An entity type or association of the change set: list its rows instead of the counts." };
        var skip = new Option<int>("--skip") { Description = "Rows to skip, for the next page.", DefaultValueFactory = static _ => 0 };
        var limit = new Option<int>("--limit") { Description = "Rows per page (1 to 10,000).", DefaultValueFactory = static _ => 50 };
        var command = new Command("blocked", "Show the synchronization a threshold blocked: its counts per entity type and association, or one scope's rows, a page at a time.") { connector, scope, skip, limit };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var name = context.Connector(parse.GetValue(connector)!).Name;
            var (from, count) = (parse.GetValue(skip), parse.GetValue(limit));
            if (from < 0 || count is < 1 or > 10_000)
            {
                throw new UsageException("--skip must be 0 or more and --limit from 1 to 10,000.");
            }

            var blocked = await context.Engine(context.OpenStore()).GetBlockedChangeSetAsync(name, cancellationToken).ConfigureAwait(false);
            if (blocked is null)
            {
                console.MarkupLine($"{Shown.Markup(name)} has no blocked synchronization.");
                return ExitCodes.Success;
            }

            if (parse.GetValue(scope) is not { } wanted)
            {
                BlockedPrinter.PrintCounts(console, blocked);
                return ExitCodes.Success;
            }

            if (!BlockedPrinter.TryPrintRows(console, blocked, wanted, from, count))
            {
                var scopes = blocked.EntityTypes.Select(static e => e.EntityType).Concat(blocked.Associations.Select(static a => a.Association.Association));
                throw new UsageException($"--scope {wanted}: not in the blocked change set of {name}; its scopes are {string.Join(", ", scopes)}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    public Command Abandon()
    {
        var connector = new Option<string>("--connector") { Description = "The blocked connector.", Required = true };
        var command = new Command("abandon", "Discard a synchronization a threshold blocked.") { connector };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var name = context.Connector(parse.GetValue(connector)!).Name;
            var abandoned = await context.Engine(context.OpenStore()).AbandonAsync(name, cancellationToken).ConfigureAwait(false);
            console.MarkupLine(abandoned
                ? $"Abandoned the blocked synchronization of {Shown.Markup(name)}; the store is as it was before it."
                : $"{Shown.Markup(name)} has no blocked synchronization; there is nothing to abandon.");
            return ExitCodes.Success;
        }));
        return command;
    }

    public Command Resources()
    {
        var entityType = new Option<string>("--entity-type") { Description = "The entity type.", Required = true };
        var after = new Option<string?>("--after") { Description = "Start after this key (the last key of the previous page)." };
        var limit = new Option<int>("--limit") { Description = "How many resources to list.", DefaultValueFactory = static _ => 20 };
        var columns = new Option<string[]>("--columns") { Description = "The properties to show, in order (default: the first five).", AllowMultipleArgumentsPerToken = true };
        var where = new Option<string[]>("--where") { Description = "Only resources whose property has a value: Property=Value (text, case kept; a multi-valued property matches on any item). Repeat to require several.", AllowMultipleArgumentsPerToken = true };
        var list = new Command("list", "List an entity type's resources in key order, a page at a time.") { entityType, after, limit, columns, where };
        list.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var type = context.EntityType(parse.GetValue(entityType)!);
            if (parse.GetValue(limit) is < 1 or > 10_000)
            {
                throw new UsageException("--limit: give a number from 1 to 10000.");
            }

            var shown = ShownProperties(type, parse.GetValue(columns));
            var filters = Filters(type, parse.GetValue(where));
            var page = await context.Reader().GetPageAsync(type.Name, parse.GetValue(after), parse.GetValue(limit), filters, cancellationToken).ConfigureAwait(false);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("key");
            foreach (var index in shown)
            {
                table.AddColumn(Shown.Markup(type.Properties[index].Name));
            }

            foreach (var resource in page.Resources)
            {
                table.AddRow([Shown.Markup(resource.Key), .. shown.Select(i => Shown.Markup(ReportPrinter.Format(resource[type.Properties[i].Name])))]);
            }

            console.Write(table);
            console.MarkupLine(page.NextAfterKey is { } next
                ? $"Next page: --after \"{Shown.Markup(next)}\""
                : $"{page.Resources.Count.ToString(CultureInfo.InvariantCulture)} resource(s).");
            return ExitCodes.Success;
        }));

        var key = new Option<string>("--key") { Description = "The resource's primary key.", Required = true };
        var showType = new Option<string>("--entity-type") { Description = "The entity type.", Required = true };
        var show = new Command("show", "Show one resource, its values and its links in both directions.") { showType, key };
        show.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var type = context.EntityType(parse.GetValue(showType)!);
            var resourceStore = context.OpenStore();
            var reader = context.Reader();
            var resource = await reader.FindAsync(type.Name, parse.GetValue(key)!, cancellationToken).ConfigureAwait(false)
                ?? throw new UsageException($"--key: no {type.Name} has the key '{parse.GetValue(key)}'.");
            ReportPrinter.Print(console, resource);
            foreach (var navigation in type.NavigationProperties)
            {
                var linked = await reader.GetLinkedAsync(resource, navigation.Name, cancellationToken).ConfigureAwait(false);
                if (linked.Count > 0)
                {
                    console.MarkupLine($"{Shown.Markup(navigation.Name)}: {Shown.Markup(string.Join(", ", linked.Select(static r => r.Key)))}");
                }
            }

            if (await reader.GetCategorizationAsync(resource, cancellationToken).ConfigureAwait(false) is { } categorization)
            {
                console.MarkupLine(Shown.Markup($"Categorization: {categorization.Status}{(categorization.ResourceType is { } resourceType ? $" as {resourceType}" : string.Empty)}"
                    + $"{(categorization.OwnerId is { } owner ? $", owner {owner}" : string.Empty)}{(categorization.Reason is { Length: > 0 } reason ? $": {reason}" : string.Empty)}"));
            }

            foreach (var order in (await reader.GetOrdersAsync(resource, cancellationToken).ConfigureAwait(false)).Take(10))
            {
                console.MarkupLine(Shown.Markup($"Order {order.Id}: {order.ChangeType} {order.ResourceType}, {order.State}: {order.Reason}"));
            }

            if (context.Model.IsRepositoryType(type.Name))
            {
                foreach (var source in await resourceStore.GetSourcesAsync(resource.Id, cancellationToken).ConfigureAwait(false))
                {
                    console.MarkupLine(Shown.Markup($"{source.Property} set by {(source.Kind == PropertySourceKind.Manual ? "hand, " : string.Empty)}{source.Source}"
                        + $"{(source.OrderId is { } order ? $" (order {order})" : string.Empty)} on {source.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}{(source.Detail is { Length: > 0 } detail ? ": " + detail : string.Empty)}"));
                }
            }

            return ExitCodes.Success;
        }));

        var types = new Command("types", "List the entity types, who feeds each, and how many resources the store holds.");
        types.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var resourceStore = context.OpenStore();
            var table = new Table().Border(TableBorder.Rounded).AddColumns("entity type", "fed by", "resources", "navigation");
            foreach (var entityType in context.Model.EntityTypes)
            {
                var feeder = context.Model.FindConnectorOf(entityType.Name)?.Name
                    ?? string.Join(", ", context.Model.ResourceTypes.Where(r => string.Equals(r.TargetEntityType, entityType.Name, StringComparison.OrdinalIgnoreCase)).Select(static r => r.Name + " (workflow)"));
                table.AddRow(
                    Shown.Markup(entityType.Name),
                    Shown.Markup(feeder.Length == 0 ? "(nothing)" : feeder),
                    (await resourceStore.CountResourcesAsync(entityType.Name, cancellationToken).ConfigureAwait(false)).ToString("N0", CultureInfo.InvariantCulture),
                    Shown.Markup(string.Join(", ", entityType.NavigationProperties.Select(static n => $"{n.Name} → {n.TargetEntityType}"))));
            }

            console.Write(table);
            return ExitCodes.Success;
        }));

        var setType = new Option<string>("--entity-type") { Description = "A repository entity type (one no connector maps, such as identities).", Required = true };
        var setKey = new Option<string>("--key") { Description = "The resource's primary key.", Required = true };
        var property = new Option<string>("--property") { Description = "The property to set.", Required = true };
        var value = new Option<string?>("--value") { Description = "The new value; leave it out to clear the property." };
        var by = new Option<string>("--by") { Description = "Who makes the change (default: the user running the command).", DefaultValueFactory = static _ => Environment.UserName };
        var note = new Option<string?>("--note") { Description = "Why, kept with the change." };
        var set = new Command("set", "Edit a repository resource's property by hand; sources honour its ownership policy afterwards.") { setType, setKey, property, value, by, note };
        set.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var editor = new Provisioning.RepositoryEditor(context.Model, context.OpenStore());
            try
            {
                var source = await editor.SetAsync(parse.GetValue(setType)!, parse.GetValue(setKey)!, parse.GetValue(property)!, parse.GetValue(value), parse.GetValue(by)!, parse.GetValue(note), cancellationToken).ConfigureAwait(false);
                console.MarkupLine(Shown.Markup($"{parse.GetValue(setType)} {parse.GetValue(setKey)}: {source.Property} set by {source.Source}."));
                return ExitCodes.Success;
            }
            catch (IdentitySyncException exception)
            {
                throw new UsageException(exception.Message);
            }
        }));

        return new Command("resources", "Read the store: list entity types and resources, show one with its links and sources, edit a repository resource.") { types, list, show, set };
    }

    /// <summary>The smallest generated directory of <c>demo --accounts</c>.</summary>
    public const int MinScaleAccounts = 100;

    /// <summary>The largest generated directory of <c>demo --accounts</c>.</summary>
    public const int MaxScaleAccounts = 10_000_000;

    public Command Demo()
    {
        var directory = new Option<string>("--directory") { Description = "Where to write the demo company (default: ./identitysync-demo).", DefaultValueFactory = static _ => "identitysync-demo" };
        var accounts = new Option<int?>("--accounts")
        {
            Description = $"Instead of the small company, generate a directory of this many accounts (with about ten group memberships each and as many HR people) and time each step on this machine; {MinScaleAccounts:N0} to {MaxScaleAccounts:N0}.",
        };
        var force = new Option<bool>("--force") { Description = "Write the demo into a folder that holds files it did not write, replacing its identitysync.json and store." };
        var command = new Command("demo", "Generate a small company (HR, Active Directory, an application) and run what IdentitySync does on it.") { directory, accounts, force };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, () =>
        {
            var path = Path.GetFullPath(parse.GetValue(directory)!);
            if (parse.GetValue(accounts) is { } size && size is < MinScaleAccounts or > MaxScaleAccounts)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--accounts {size}: give a number of accounts from {MinScaleAccounts:N0} to {MaxScaleAccounts:N0}."));
            }

            DemoFolder.Claim(path, parse.GetValue(force));
            return parse.GetValue(accounts) is { } scale
                ? new DemoScaleRunner(console, path, scale).RunAsync(cancellationToken)
                : new DemoRunner(console, path).RunAsync(cancellationToken);
        }));
        return command;
    }

    /// <summary>The positions of the properties <c>--columns</c> names (default: the first five), each checked against the entity type.</summary>
    private static List<Reading.ResourceFilter> Filters(Model.EntityType type, string[]? where)
    {
        var filters = new List<Reading.ResourceFilter>();
        foreach (var condition in where ?? [])
        {
            var equals = condition.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--where {condition}: give Property=Value, such as Department=Sales.");
            }

            var property = condition[..equals].Trim();
            if (type.FindProperty(property) is null)
            {
                throw new UsageException($"--where {condition}: {type.Name} has no property '{property}'; {SuggestProperty(type, property)}");
            }

            filters.Add(Reading.ResourceFilter.PropertyEquals(property, condition[(equals + 1)..]));
        }

        return filters;
    }

    /// <summary>A property name like a misspelled one (or the list of them), for a usage error.</summary>
    private static string SuggestProperty(Model.EntityType type, string name)
    {
        var names = type.Properties.Select(static p => p.Name).ToList();
        return Configuration.StrictConfiguration.Suggest(name, names, $"its properties are {string.Join(", ", names)}.");
    }
    private static int[] ShownProperties(Model.EntityType type, string[]? columns)
    {
        if (columns is not { Length: > 0 })
        {
            return [.. Enumerable.Range(0, Math.Min(5, type.Properties.Count))];
        }

        var names = type.Properties.Select(static p => p.Name).ToList();
        return
        [
            .. columns.SelectMany(static c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(column =>
            {
                var index = names.FindIndex(n => string.Equals(n, column, StringComparison.OrdinalIgnoreCase));
                return index >= 0 ? index : throw new UsageException($"--columns {column}: {type.Name} has no such property; {SuggestProperty(type, column)}");
            }),
        ];
    }

    private async Task<bool> WriteReportAsync(OutputFile? file, List<SyncReport> reports, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return true;
        }

        var json = reports.Count == 1 ? reports[0].ToJson() : "[" + string.Join(",", reports.Select(static r => Environment.NewLine + r.ToJson())) + Environment.NewLine + "]";
        return await file.WriteAsync(json, output, error, cancellationToken).ConfigureAwait(false);
    }
}

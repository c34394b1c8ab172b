using System.CommandLine;
using System.Globalization;
using IdentitySync.Categorization;
using IdentitySync.Categorizations;
using IdentitySync.Storage;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary><c>identitysync categorize</c>: run categorization, and review its suggestions and orphans.</summary>
internal sealed class CategorizeCommands(IAnsiConsole console, TextWriter output, TextWriter error, Option<string?> config, Option<string?> store)
{
    public Command Categorize()
    {
        var full = new Option<bool>("--full") { Description = "Categorize again every account not reviewed by a person (after a rule change)." };
        var report = new Option<string?>("--report") { Description = "Also write the JSON report to this file." };
        var command = new Command("categorize", "Decide who owns each account and what kind it is; then review suggestions and orphans.") { full, report };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var reportFile = OutputFile.Check("--report", parse.GetValue(report));
            var result = await new CategorizationEngine(context.Model, context.OpenStore()).CategorizeAsync(parse.GetValue(full), cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"Categorization: {result.Considered} accounts categorized, {result.Kept} kept as they were, {result.Uncategorized} uncategorized.");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("resource type", "correlated", "classified", "suggested", "ambiguous", "orphans");
            foreach (var type in result.ResourceTypes)
            {
                table.AddRow(Shown.Markup(type.ResourceType), N(type.Correlated), N(type.Classified), N(type.Suggested), N(type.Ambiguous), N(type.Orphans));
            }

            console.Write(table);
            var written = reportFile is null || await reportFile.WriteAsync(result.ToJson(), output, error, cancellationToken).ConfigureAwait(false);
            return OutputFile.ExitCode(ExitCodes.Success, written);
        }));

        command.Subcommands.Add(List("suggestions", "List suggestions and ambiguous matches waiting for review.", static (e, c) => e.GetSuggestionsAsync(c)));
        command.Subcommands.Add(List("orphans", "List typed accounts without an owner.", static (e, c) => e.GetOrphansAsync(c)));
        command.Subcommands.Add(Review(accept: true));
        command.Subcommands.Add(Review(accept: false));
        return command;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private Command List(string name, string description, Func<CategorizationEngine, CancellationToken, Task<IReadOnlyList<AccountCategorization>>> read)
    {
        var command = new Command(name, description);
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var resourceStore = context.OpenStore();
            var items = await read(new CategorizationEngine(context.Model, resourceStore), cancellationToken).ConfigureAwait(false);
            var keys = await KeysAsync(context, resourceStore, cancellationToken).ConfigureAwait(false);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("account", "status", "resource type", "owner or candidates", "confidence", "reason");
            foreach (var item in items)
            {
                var owners = item.OwnerId is { } owner ? [owner] : item.Candidates;
                table.AddRow(
                    Shown.Markup($"{item.EntityType} {keys.GetValueOrDefault(item.ResourceId)}"),
                    item.Status.ToString(),
                    Shown.Markup(item.ResourceType ?? string.Empty),
                    Shown.Markup(string.Join(", ", owners.Select(o => keys.GetValueOrDefault(o) ?? o.ToString(CultureInfo.InvariantCulture)))),
                    item.Confidence.ToString(CultureInfo.InvariantCulture),
                    Shown.Markup(item.Reason ?? string.Empty));
            }

            console.Write(table);
            console.MarkupLine($"{items.Count} account(s).");
            return ExitCodes.Success;
        }));
        return command;
    }

    private Command Review(bool accept)
    {
        var entityType = new Option<string>("--entity-type") { Description = "The account's entity type.", Required = true };
        var key = new Option<string>("--key") { Description = "The account's key.", Required = true };
        var owner = new Option<string?>("--owner") { Description = "The chosen owner's key (required for an ambiguous match)." };
        var resourceType = new Option<string?>("--resource-type") { Description = "The chosen resource type (default: the suggested one)." };
        var command = accept
            ? new Command("accept", "Accept a suggestion: the account gets the owner and type, for good.") { entityType, key, owner, resourceType }
            : new Command("reject", "Reject a suggestion: rules never suggest it again.") { entityType, key };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var resourceStore = context.OpenStore();
            var type = context.EntityType(parse.GetValue(entityType)!);
            var account = await resourceStore.FindResourceAsync(type.Name, parse.GetValue(key)!, cancellationToken).ConfigureAwait(false)
                ?? throw new UsageException($"--key: no {type.Name} has the key '{parse.GetValue(key)}'.");
            var engine = new CategorizationEngine(context.Model, resourceStore);
            try
            {
                AccountCategorization result;
                if (accept)
                {
                    long? ownerId = null;
                    var chosenType = parse.GetValue(resourceType);
                    if (parse.GetValue(owner) is { } ownerKey)
                    {
                        var ownerType = context.Model.ResourceTypes.First(r => chosenType is null
                            ? string.Equals(r.TargetEntityType, type.Name, StringComparison.OrdinalIgnoreCase)
                            : string.Equals(r.Name, chosenType, StringComparison.OrdinalIgnoreCase)).OwnerEntityType;
                        ownerId = (await resourceStore.FindResourceAsync(ownerType, ownerKey, cancellationToken).ConfigureAwait(false)
                            ?? throw new UsageException($"--owner: no {ownerType} has the key '{ownerKey}'.")).Id;
                    }

                    result = await engine.AcceptAsync(account.Id, ownerId, chosenType, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    result = await engine.RejectAsync(account.Id, cancellationToken).ConfigureAwait(false);
                }

                console.MarkupLine($"{Shown.Markup(type.Name)} {Shown.Markup(account.Key)}: {result.Status}{(result.ResourceType is null ? string.Empty : " as " + Shown.Markup(result.ResourceType))}.");
                return ExitCodes.Success;
            }
            catch (IdentitySyncException exception)
            {
                throw new UsageException(exception.Message);
            }
        }));
        return command;
    }

    private static async Task<Dictionary<long, string>> KeysAsync(CliContext context, IResourceStore resourceStore, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<long, string>();
        foreach (var entityType in context.Model.ResourceTypes.SelectMany(static r => new[] { r.OwnerEntityType, r.TargetEntityType }).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            await foreach (var resource in resourceStore.GetResourcesAsync(entityType, cancellationToken).ConfigureAwait(false))
            {
                keys[resource.Id] = resource.Key;
            }
        }

        return keys;
    }
}

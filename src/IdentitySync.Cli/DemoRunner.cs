using IdentitySync.Storage;
using IdentitySync.Synchronization;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary>Writes the demo company and runs, step by step, what IdentitySync does with it.</summary>
internal sealed class DemoRunner(IAnsiConsole console, string directory)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var company = new DemoCompany();
        foreach (var old in Directory.Exists(directory) ? Directory.GetFiles(directory, CliContext.DefaultStoreFile + "*") : [])
        {
            File.Delete(old);
        }

        company.Write(directory);
        console.MarkupLine($"[bold]IdentitySync demo[/] in {Markup.Escape(directory)}");
        console.MarkupLine($"Wrote a company of {company.People.Count} people in 5 organizations (hr/), an Active Directory export with "
            + $"{company.WithAccounts.Count() + 5} accounts, 7 groups and their memberships (ad/), an application's accounts (app/), "
            + "and a commented identitysync.json.");

        using var context = CliContext.Load(Path.Combine(directory, CliContext.DefaultConfigFile), null);
        var store = context.OpenStore();
        var engine = context.Engine(store);

        Step(1, "Load every connector into the empty store (initial mode).");
        foreach (var connector in context.Model.Connectors)
        {
            ReportPrinter.Print(console, await engine.SynchronizeAsync(connector.Name, new SyncRunOptions { Mode = SyncMode.Initial }, cancellationToken).ConfigureAwait(false));
        }

        Step(2, "A week later, HR exports again: a joiner, a mover, a leaver. A complete run applies just that.");
        var leaver = company.People[20];
        var mover = company.People[22];
        var joiner = new Person("1041", "Zoë", "Nakamura", "znakamura", "IT", "1003", new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), false);
        DemoCompany.WriteHr(directory, [.. company.People.Where(p => p != leaver).Select(p => p == mover ? p with { Organization = "FIN", ManagerId = "1002" } : p), joiner]);
        ReportPrinter.Print(console, await engine.SynchronizeAsync("HR", cancellationToken: cancellationToken).ConfigureAwait(false));
        console.MarkupLine($"  {Markup.Escape(leaver.FirstName)} {Markup.Escape(leaver.LastName)} left; {Markup.Escape(mover.FirstName)} {Markup.Escape(mover.LastName)} moved from IT to Finance; Zoë Nakamura joined IT.");

        Step(3, "A truncated Active Directory export arrives (the job was cut off after 20 accounts).");
        company.WriteDirectory(directory, limit: 20);
        var blocked = await engine.SynchronizeAsync("AD", cancellationToken: cancellationToken).ConfigureAwait(false);
        ReportPrinter.Print(console, blocked);
        var staged = await engine.GetBlockedChangeSetAsync("AD", cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"  The store still holds {await store.CountResourcesAsync("AD_User", cancellationToken).ConfigureAwait(false)} accounts; "
            + $"the blocked change set would have deleted {staged?.EntityTypes[0].Deleted.Count ?? 0}. Abandoning it.");
        await engine.AbandonAsync("AD", cancellationToken).ConfigureAwait(false);
        company.WriteDirectory(directory);

        Step(4, "Categorize the directory: who owns each account, and what kind it is.");
        var categorization = new Categorization.CategorizationEngine(context.Model, store);
        var categorized = await categorization.CategorizeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var counts = categorized.ResourceTypes.Where(static t => t.ResourceType.StartsWith("AD_", StringComparison.Ordinal)).ToList();
        var logins = (await store.GetResourcePageAsync("AD_User", null, 1000, cancellationToken).ConfigureAwait(false)).ToDictionary(static r => r.Id, static r => (string)r.Values[2]!);
        var uncategorized = (await categorization.GetUncategorizedAsync(cancellationToken).ConfigureAwait(false)).Where(static c => c.EntityType == "AD_User").ToList();
        console.MarkupLine($"  {counts.Sum(static t => t.Correlated)} directory accounts correlated with their owner by employee ID, {counts.Sum(static t => t.Classified)} classified as "
            + $"administration accounts (no owner), {counts.Sum(static t => t.Suggested + t.Ambiguous)} suggested for review, {uncategorized.Count} uncategorized.");
        foreach (var suggestion in await categorization.GetSuggestionsAsync(cancellationToken).ConfigureAwait(false))
        {
            console.MarkupLine($"  suggested: {Markup.Escape(logins.GetValueOrDefault(suggestion.ResourceId) ?? "?")}: {Markup.Escape(suggestion.Reason ?? string.Empty)}");
        }

        console.MarkupLine($"  uncategorized: {Markup.Escape(string.Join(", ", uncategorized.Select(c => logins.GetValueOrDefault(c.ResourceId))))} "
            + "(a leaver's account, orphans and a service account: accounts to review).");

        Step(5, "The read API: a person with their organization and manager, navigated both ways.");
        var person = company.People[5];
        var resource = (await store.FindResourceAsync("HR_Person", person.EmployeeId, cancellationToken).ConfigureAwait(false))!;
        ReportPrinter.Print(console, context.Model.GetEntityType("HR_Person"), resource);
        var organization = await store.GetLinkedResourcesAsync("HR_PersonOrganization", resource.Id, LinkDirection.FirstToSecond, cancellationToken).ConfigureAwait(false);
        var manager = await store.GetLinkedResourcesAsync("HR_PersonManager", resource.Id, LinkDirection.FirstToSecond, cancellationToken).ConfigureAwait(false);
        var reports = await store.GetLinkedResourcesAsync("HR_PersonManager", resource.Id, LinkDirection.SecondToFirst, cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"  Organization: {Markup.Escape(organization.Single().Values[1]?.ToString() ?? string.Empty)}; manager: {Markup.Escape(Name(manager.Single()))}; "
            + $"direct reports: {reports.Count}.");

        console.WriteLine();
        console.MarkupLine("Categorization (who owns each account), provisioning orders and manual tickets join this demo as they land.");
        console.MarkupLine("Try: [bold]identitysync resources list --entity-type AD_User --config " + Markup.Escape(Path.Combine(directory, CliContext.DefaultConfigFile)) + "[/]");
        return blocked.Outcome == SyncOutcome.Blocked ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string Name(StoredResource person) => $"{person.Values[1]} {person.Values[2]}";

    private void Step(int number, string text)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]Step {number}.[/] {Markup.Escape(text)}");
    }
}

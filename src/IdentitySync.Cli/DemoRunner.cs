using IdentitySync.Categorizations;
using IdentitySync.ChangeSets;
using IdentitySync.Orders;
using IdentitySync.Synchronization;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary>Writes the demo company and runs, step by step, what IdentitySync does with it.</summary>
internal sealed class DemoRunner(IAnsiConsole console, string directory)
{
    private readonly DemoClock _clock = new();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var company = new DemoCompany();
        foreach (var old in Directory.Exists(directory) ? Directory.GetFiles(directory, CliContext.DefaultStoreFile + "*") : [])
        {
            File.Delete(old);
        }

        if (Directory.Exists(Path.Combine(directory, "ad", "orders")))
        {
            Directory.Delete(Path.Combine(directory, "ad", "orders"), recursive: true);
        }

        company.Write(directory);
        console.MarkupLine($"[bold]IdentitySync demo[/] in {Shown.Markup(directory)}");
        console.MarkupLine($"Wrote a company of {company.People.Count} people in 5 organizations (hr/), an Active Directory export with "
            + $"{company.WithAccounts.Count() + 5} accounts, 7 groups and their memberships (ad/), an application's accounts (app/), "
            + "and a commented identitysync.json.");

        using var context = CliContext.Load(Path.Combine(directory, CliContext.DefaultConfigFile), null);
        var store = context.OpenStore();
        // A clock of its own keeps the demo's output the same on every run: an hour per step, a week between the two HR exports.
        var engine = context.Engine(store, _clock);

        Step(1, "Load every connector into the empty store (initial mode).");
        foreach (var connector in context.Model.Connectors)
        {
            ReportPrinter.Print(console, await engine.SynchronizeAsync(connector.Name, new SyncRunOptions { Mode = SyncMode.Initial }, cancellationToken).ConfigureAwait(false));
        }

        Step(2, "Provision: HR people become identities (the internal workflow), accounts are correlated with them, and orders are generated.");
        var categorization = new Categorization.CategorizationEngine(context.Model, store, _clock);
        var provisioning = context.Provisioning(store, _clock);
        var generated = await provisioning.GenerateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        ProvisionCommands.PrintGeneration(console, generated);
        console.MarkupLine($"  {await store.CountResourcesAsync("Identity", cancellationToken).ConfigureAwait(false)} identities created from HR, each remembering which rule and order set each value.");
        var adCategorizations = await store.GetCategorizationsAsync("AD_User", cancellationToken).ConfigureAwait(false);
        var logins = (await new Reading.RepositoryReader(context.Model, store).GetPageAsync("AD_User", limit: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
            .Resources.ToDictionary(static r => r.Id, static r => r.Get<string>("SamAccountName"));
        console.MarkupLine($"  Directory: {adCategorizations.Count(static c => c.Status == CategorizationStatus.Correlated)} accounts correlated with their identity by employee ID, "
            + $"{adCategorizations.Count(static c => c.Status == CategorizationStatus.Classified)} classified as administration accounts (no owner), "
            + $"{adCategorizations.Count(static c => c.Status is CategorizationStatus.Suggested or CategorizationStatus.Ambiguous)} suggested for review, "
            + $"{adCategorizations.Count(static c => c.Status == CategorizationStatus.Uncategorized)} uncategorized.");
        foreach (var suggestion in await categorization.GetSuggestionsAsync(cancellationToken).ConfigureAwait(false))
        {
            console.MarkupLine($"  suggested: {Shown.Markup(logins.GetValueOrDefault(suggestion.ResourceId) ?? "?")}: {Shown.Markup(suggestion.Reason ?? string.Empty)}");
        }

        console.MarkupLine($"  uncategorized: {Shown.Markup(string.Join(", ", adCategorizations.Where(static c => c.Status == CategorizationStatus.Uncategorized).Select(c => logins.GetValueOrDefault(c.ResourceId)).Order(StringComparer.Ordinal)))} (orphans and a service account: accounts to review).");
        foreach (var order in generated.Orders.Where(static o => o.ResourceType == "AD_NominativeUser"))
        {
            console.MarkupLine($"  #{order.Id} {order.ChangeType}{(order.Kind == OrderKind.Rule ? string.Empty : $" ({order.Kind}, awaiting approval)")}: {Shown.Markup(order.Reason)}");
        }

        Step(3, "Fulfill: directory orders go to ad/orders for the directory team's script; application orders become tickets.");
        ProvisionCommands.PrintFulfillment(console, await provisioning.FulfillAsync(cancellationToken).ConfigureAwait(false));
        var (applied, failed) = DemoDirectoryScript.Run(company, directory);
        console.MarkupLine($"  The directory script applied {applied} order(s) to ad/*.csv ({failed} failed) and wrote its results file; reading it back:");
        ProvisionCommands.PrintFulfillment(console, await provisioning.FulfillAsync(cancellationToken).ConfigureAwait(false));
        var tickets = await provisioning.GetTicketsAsync(cancellationToken).ConfigureAwait(false);
        var ticketFile = Path.Combine(directory, "app", "tickets.csv");
        using (var writer = new StreamWriter(ticketFile))
        {
            Connections.Csv.TicketExport.WriteCsv(writer, tickets);
        }

        console.MarkupLine($"  {tickets.Count} ticket(s) for the application's administrator, exported to app/tickets.csv, for example:");
        foreach (var ticket in tickets.Take(3))
        {
            console.MarkupLine($"  #{ticket.Id} {ticket.ChangeType} {Shown.Markup(string.Join(", ", ticket.Changes.Select(static c => $"{c.Key} = {c.Value}")))} for {Shown.Markup(ticket.Owner?.DisplayName ?? "?")}");
        }

        var created = tickets.Where(static t => t.ChangeType == OrderChangeType.Added).ToList();
        File.AppendAllLines(Path.Combine(directory, "app", "accounts.csv"), created.Select(static t => $"{t.Changes["Login"]},user,yes"));
        foreach (var ticket in created)
        {
            await provisioning.CompleteTicketAsync(ticket.Id, "created by the application's administrator", cancellationToken).ConfigureAwait(false);
        }

        console.MarkupLine($"  The administrator created {created.Count} account(s) in app/accounts.csv and confirmed the tickets done.");

        Step(4, "Synchronize the directory and the application again, then verify: executed orders now visible become Verified.");
        await SynchronizeAsync(engine, ["AD", "App"], cancellationToken).ConfigureAwait(false);
        await categorization.CategorizeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var verified = await provisioning.VerifyAsync(cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"  Verification: {verified.Verified} verified, {verified.Waiting} still waiting, {verified.TimedOut} timed out. "
            + $"{(await provisioning.GetOrdersToReviewAsync(cancellationToken).ConfigureAwait(false)).Count} order(s) wait for review (identitysync orders list --state AwaitingApproval).");

        Step(5, "A week later, HR exports again: a joiner, a mover, a leaver. The HR run applies just that; identities and accounts follow.");
        var leaver = company.People[20];
        var mover = company.People[22];
        var joiner = new Person("1041", "Zoë", "Nakamura", "znakamura", "IT", "1003", new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), false);
        DemoCompany.WriteHr(directory, [.. company.People.Where(p => p != leaver).Select(p => p == mover ? p with { Organization = "FIN", ManagerId = "1002" } : p), joiner]);
        ReportPrinter.Print(console, await engine.SynchronizeAsync("HR", cancellationToken: cancellationToken).ConfigureAwait(false));
        console.MarkupLine($"  {Shown.Markup(leaver.FirstName)} {Shown.Markup(leaver.LastName)} left; {Shown.Markup(mover.FirstName)} {Shown.Markup(mover.LastName)} moved from IT to Finance; Zoë Nakamura joined IT.");
        var week = await provisioning.GenerateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        ProvisionCommands.PrintGeneration(console, week);
        foreach (var order in week.Orders)
        {
            console.MarkupLine($"  #{order.Id} {order.ResourceType} {order.ChangeType}{(order.Kind == OrderKind.Rule ? string.Empty : $" ({order.Kind}, awaiting approval)")}: {Shown.Markup(order.Reason)}");
        }

        await provisioning.FulfillAsync(cancellationToken).ConfigureAwait(false);
        DemoDirectoryScript.Run(company, directory);
        await provisioning.FulfillAsync(cancellationToken).ConfigureAwait(false);
        await SynchronizeAsync(engine, ["AD"], cancellationToken).ConfigureAwait(false);
        await categorization.CategorizeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var weekVerified = await provisioning.VerifyAsync(cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"  Fulfilled through the directory script and synchronized again: {weekVerified.Verified} verified.");

        Step(6, "Someone edits an identity by hand; the next HR run honours each property's owner.");
        var editor = new Provisioning.RepositoryEditor(context.Model, store, _clock);
        await editor.SetAsync("Identity", "1041", "LastName", "Nakamura-Smith", "alice", "asked by Zoë", cancellationToken).ConfigureAwait(false);
        await editor.SetAsync("Identity", "1041", "Login", "zoe.n", "alice", "preferred login", cancellationToken).ConfigureAwait(false);
        console.MarkupLine("  alice set Zoë's LastName (HR is authoritative for it) and Login (HR sets it only at creation).");
        var ownership = await provisioning.GenerateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var note in ownership.Ownership)
        {
            console.MarkupLine($"  {Shown.Markup(note.Property)}: {note.Action}. {Shown.Markup(note.Reason)}");
        }

        var zoe = (await new Reading.RepositoryReader(context.Model, store).FindAsync("Identity", "1041", cancellationToken).ConfigureAwait(false))!;
        console.MarkupLine($"  Zoë's identity now: {Shown.Markup(string.Join(", ", zoe.ToDictionary().Take(5).Select(static p => $"{p.Key} = {ReportPrinter.Format(p.Value)}")))}; "
            + $"sources: {Shown.Markup(string.Join(", ", (await store.GetSourcesAsync(zoe.Id, cancellationToken).ConfigureAwait(false)).Where(static x => x.Property is "LastName" or "Login").Select(static x => $"{x.Property} by {x.Source}")))}.");

        Step(7, "A truncated Active Directory export arrives (the job was cut off after 20 accounts).");
        company.WriteDirectory(directory, limit: 20);
        var blocked = await engine.SynchronizeAsync("AD", cancellationToken: cancellationToken).ConfigureAwait(false);
        ReportPrinter.Print(console, blocked);
        var staged = await engine.GetBlockedChangeSetAsync("AD", cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"  The store still holds {await store.CountResourcesAsync("AD_User", cancellationToken).ConfigureAwait(false)} accounts; "
            + $"the blocked change set would have deleted {staged?.EntityTypes[0].Deleted.Count ?? 0}. Abandoning it.");
        await engine.AbandonAsync("AD", cancellationToken).ConfigureAwait(false);
        company.WriteDirectory(directory);

        Step(8, "The read API: a person with their organization and manager, navigated both ways.");
        var person = company.People[5];
        var reader = new Reading.RepositoryReader(context.Model, store, store, store);
        var resource = (await reader.FindAsync("HR_Person", person.EmployeeId, cancellationToken).ConfigureAwait(false))!;
        ReportPrinter.Print(console, resource);
        var organization = await reader.GetLinkedAsync(resource, "Organization", cancellationToken).ConfigureAwait(false);
        var manager = await reader.GetLinkedAsync(resource, "Manager", cancellationToken).ConfigureAwait(false);
        var reports = await reader.GetLinkedAsync(resource, "DirectReports", cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"  Organization: {Shown.Markup(organization.Single().Get<string>("Name") ?? string.Empty)}; manager: {Shown.Markup(Name(manager.Single()))}; "
            + $"direct reports: {reports.Count}.");

        console.WriteLine();
        console.MarkupLine("Try: [bold]identitysync orders list --config " + Shown.Markup(Path.Combine(directory, CliContext.DefaultConfigFile)) + "[/]");
        return blocked.Outcome == SyncOutcome.Blocked ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task SynchronizeAsync(SyncEngine engine, string[] connectors, CancellationToken cancellationToken)
    {
        foreach (var connector in connectors)
        {
            var report = await engine.SynchronizeAsync(connector, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (report.Outcome != SyncOutcome.Succeeded)
            {
                throw new IdentitySyncException($"The demo's {connector} synchronization ended {report.Outcome}: {report.Message}");
            }
        }
    }

    private static string Name(Reading.RepositoryResource person) => $"{person.Get<string>("FirstName")} {person.Get<string>("LastName")}";

    private void Step(int number, string text)
    {
        _clock.Now = _clock.Now.AddHours(number == 5 ? 24 * 7 : 1);
        console.WriteLine();
        console.MarkupLine($"[bold]Step {number}.[/] {Shown.Markup(text)}");
    }
}

/// <summary>The demo's clock: Monday 23 November 2026, 08:00 UTC, moved on by the demo itself.</summary>
internal sealed class DemoClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

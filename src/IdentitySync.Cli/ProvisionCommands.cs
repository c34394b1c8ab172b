using System.CommandLine;
using System.Globalization;
using IdentitySync.Connections.Csv;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using Spectre.Console;

namespace IdentitySync.Cli;

/// <summary><c>identitysync provision</c>, <c>orders</c> and <c>tickets</c>: generate orders, review them, fulfill them, and work the manual tickets.</summary>
internal sealed class ProvisionCommands(IAnsiConsole console, TextWriter output, TextWriter error, Option<string?> config, Option<string?> store)
{
    public Command Provision()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Compute and report the orders; save nothing." };
        var force = new Option<bool>("--force") { Description = "Ignore provisioning thresholds (after checking a blocked generation)." };
        var full = new Option<bool>("--full") { Description = "Evaluate every owner, not only those whose data changed." };
        var fulfill = new Option<bool>("--fulfill", "--fulfil") { Description = "Then fulfill the pending orders: through connections that can, as tickets otherwise." };
        var report = new Option<string?>("--report") { Description = "Also write the JSON report to this file." };
        var command = new Command("provision", "Generate provisioning orders: what the rules ask, compared with the accounts categorization gave each owner.") { dryRun, force, full, fulfill, report };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var reportFile = OutputFile.Check("--report", parse.GetValue(report));
            var isDry = parse.GetValue(dryRun);
            var engine = context.Provisioning(context.OpenStore(isDry));
            var result = await engine.GenerateAsync(new ProvisioningRunOptions { DryRun = isDry, Force = parse.GetValue(force), Full = parse.GetValue(full) }, cancellationToken).ConfigureAwait(false);
            PrintGeneration(console, result);
            var written = reportFile is null || await reportFile.WriteAsync(result.ToJson(), output, error, cancellationToken).ConfigureAwait(false);
            if (result.IsBlocked)
            {
                return ExitCodes.Blocked;
            }

            if (parse.GetValue(fulfill) && !isDry)
            {
                PrintFulfillment(console, await engine.FulfillAsync(cancellationToken).ConfigureAwait(false));
            }

            return OutputFile.ExitCode(ExitCodes.Success, written);
        }));
        return command;
    }

    public Command Orders()
    {
        var command = new Command("orders", "List, show and review (approve, decline, postpone) provisioning orders; fulfill and verify them.");
        var states = new Option<OrderState[]>("--state") { Description = "Only orders in these states (Pending, AwaitingApproval, Declined, Transmitted, Executed, Verified, Error).", AllowMultipleArgumentsPerToken = true };
        var type = new Option<string?>("--type") { Description = "Only orders of this resource type, such as AD_User." };
        var list = new Command("list", "List orders, oldest first.") { states, type };
        list.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var resourceType = KnownResourceType(context, parse.GetValue(type));

            var orders = await context.Provisioning(context.OpenStore()).GetOrdersAsync(resourceType, parse.GetValue(states), cancellationToken).ConfigureAwait(false);
            PrintOrders(console, orders);
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(list);

        var archivedType = new Option<string?>("--type") { Description = "Only archived orders of this resource type." };
        var after = new Option<long>("--after") { Description = "Only orders with a larger id: the last id of the previous page." };
        var limit = new Option<int>("--limit") { Description = "The most orders to list (1 to 10000).", DefaultValueFactory = static _ => 100 };
        var archived = new Command("archived", "List archived orders by id, a page at a time: ended orders moved out after their type's ArchiveAfter.") { archivedType, after, limit };
        archived.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            var pageSize = parse.GetValue(limit);
            if (pageSize is < 1 or > 10_000)
            {
                throw new UsageException($"--limit: {pageSize} is out of range; give 1 to 10000.");
            }

            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var resourceType = KnownResourceType(context, parse.GetValue(archivedType));

            var page = await context.Provisioning(context.OpenStore()).GetArchivedOrdersAsync(resourceType, parse.GetValue(after), pageSize, cancellationToken).ConfigureAwait(false);
            PrintOrders(console, page);
            if (page.Count == pageSize)
            {
                console.MarkupLine($"More may follow: add --after {page[^1].Id.ToString(CultureInfo.InvariantCulture)}.");
            }

            return ExitCodes.Success;
        }));
        command.Subcommands.Add(archived);

        var id = new Argument<long>("id") { Description = "The order's id, as 'orders list' shows it." };
        var show = new Command("show", "Show one order as JSON: values, reason and history.") { id };
        show.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var order = await Guarded(() => context.Provisioning(context.OpenStore()).GetOrderAsync(parse.GetValue(id), cancellationToken)).ConfigureAwait(false);
            await output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(order, OrderJson.Options)).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(show);
        command.Subcommands.Add(Review("approve", "Approve an order waiting for review; the next fulfillment applies it.", static (e, i, n, c) => e.ApproveAsync(i, n, c)));
        command.Subcommands.Add(Review("decline", "Decline an order waiting for review; it is never applied, nor generated again while the rules ask the same.", static (e, i, n, c) => e.DeclineAsync(i, n, c)));

        var postponeId = new Argument<long>("id") { Description = "The order's id." };
        var until = new Option<string>("--until") { Description = "When it comes back for review: a date and time, such as 2026-12-01T09:00Z.", Required = true };
        var postponeNote = new Option<string?>("--note") { Description = "Why, kept in the order's history." };
        var postpone = new Command("postpone", "Postpone the review of an order: it leaves the review list until then.") { postponeId, until, postponeNote };
        postpone.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            if (!DateTimeOffset.TryParse(parse.GetValue(until), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                throw new UsageException($"--until: '{parse.GetValue(until)}' is not a date and time; give one such as 2026-12-01T09:00Z.");
            }

            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var order = await Guarded(() => context.Provisioning(context.OpenStore()).PostponeAsync(parse.GetValue(postponeId), when, parse.GetValue(postponeNote), cancellationToken)).ConfigureAwait(false);
            console.MarkupLine($"Order {order.Id}: {order.State}, postponed until {order.PostponedUntil!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(postpone);

        var fulfill = new Command("fulfill", "Fulfill the pending orders that are due: through connections that can, as tickets otherwise.");

        // "fulfil", the British spelling the verb had before one spelling was chosen (decision 50), still works.
        fulfill.Aliases.Add("fulfil");
        fulfill.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            PrintFulfillment(console, await context.Provisioning(context.OpenStore()).FulfillAsync(cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(fulfill);

        var verify = new Command("verify", "Mark executed orders verified when the last synchronization shows their values; stuck ones become Error.");
        verify.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var result = await context.Provisioning(context.OpenStore()).VerifyAsync(cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"Verification: {result.Verified} verified, {result.Waiting} still waiting, {result.TimedOut} timed out.");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(verify);
        return command;
    }

    public Command Tickets()
    {
        var command = new Command("tickets", "The manual tickets: orders a person applies by hand in systems no connection writes to.");
        var list = new Command("list", "List the open tickets.");
        list.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            PrintOrders(console, await context.Provisioning(context.OpenStore()).GetTicketsAsync(cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(list);

        var id = new Argument<long>("id") { Description = "The ticket's order id." };
        var note = new Option<string?>("--note") { Description = "Who did it, kept in the order's history." };
        var done = new Command("done", "Confirm a ticket done: the order is executed, and verified after the next synchronization.") { id, note };
        done.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var order = await Guarded(() => context.Provisioning(context.OpenStore()).CompleteTicketAsync(parse.GetValue(id), parse.GetValue(note), cancellationToken)).ConfigureAwait(false);
            console.MarkupLine($"Order {order.Id}: {order.State}.");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(done);

        var failId = new Argument<long>("id") { Description = "The ticket's order id." };
        var message = new Option<string>("--message") { Description = "What went wrong.", Required = true };
        var fail = new Command("fail", "Report a ticket failed: the order moves to Error, and generated again while the rules still ask for it.") { failId, message };
        fail.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var order = await Guarded(() => context.Provisioning(context.OpenStore()).FailTicketAsync(parse.GetValue(failId), parse.GetValue(message)!, cancellationToken)).ConfigureAwait(false);
            console.MarkupLine($"Order {order.Id}: {order.State}.");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(fail);

        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = static _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var file = new Option<string>("--out") { Description = "The file to write.", Required = true };
        var export = new Command("export", "Export the open tickets for a service desk, as CSV (formula cells neutralized) or JSON.") { format, file };
        export.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var path = OutputFile.Check("--out", parse.GetValue(file))!.Path;
            var tickets = await context.Provisioning(context.OpenStore()).GetTicketsAsync(cancellationToken).ConfigureAwait(false);
            var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
            await using (writer.ConfigureAwait(false))
            {
                if (parse.GetValue(format) == "json")
                {
                    TicketExport.WriteJson(writer, tickets);
                }
                else
                {
                    TicketExport.WriteCsv(writer, tickets);
                }
            }

            await output.WriteLineAsync($"{tickets.Count} ticket(s) written to {path}.").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(export);
        return command;
    }

    /// <summary>The resource type a <c>--type</c> option names, checked against the configuration; null when not given.</summary>
    private static string? KnownResourceType(CliContext context, string? resourceType) =>
        resourceType is null || context.Model.FindResourceType(resourceType) is not null
            ? resourceType
            : throw new UsageException($"--type: '{resourceType}' is not a resource type of {context.ConfigPath}; its resource types: {string.Join(", ", context.Model.ResourceTypes.Select(static t => t.Name))}.");

    internal static void PrintGeneration(IAnsiConsole console, ProvisioningReport report)
    {
        console.MarkupLine($"Provisioning{(report.DryRun ? " (dry run: nothing saved)" : string.Empty)}: {report.Orders.Count} order(s){(report.IsBlocked ? ", [red]blocked by thresholds[/]" : string.Empty)}.");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("resource type", "owners", "examined", "evaluated", "added", "modified", "deleted", "non-conforming", "gaps", "waiting", "blocked");
        foreach (var type in report.ResourceTypes)
        {
            table.AddRow(Shown.Markup(type.Name), N(type.Owners), N(type.Examined), N(type.Evaluated), N(type.Added), N(type.Modified), N(type.Deleted), N(type.NonConforming), N(type.Gaps), N(type.WaitingForDependency + type.WaitingForReview),
                Shown.Markup(type.Threshold ?? string.Empty));
        }

        console.Write(table);
        if (report.ResourceTypes.Sum(static t => t.Archived) is > 0 and var archived)
        {
            console.MarkupLine($"{N(archived)} ended order(s) archived (ArchiveAfter); 'orders archived' lists them.");
        }

        foreach (var problem in report.ResourceTypes.SelectMany(static t => t.Problems))
        {
            console.MarkupLine("  [yellow]" + Shown.Markup(problem) + "[/]");
        }
    }

    internal static void PrintFulfillment(IAnsiConsole console, FulfillmentReport report) =>
        console.MarkupLine($"Fulfillment: {report.Executed} executed, {report.Transmitted} handed over, {report.Tickets} ticket(s) opened, "
            + $"{report.Failed} failed, {report.Retrying} to retry, {report.Collected} result(s) collected, {report.TimedOut} timed out.");

    internal static void PrintOrders(IAnsiConsole console, IReadOnlyList<ProvisioningOrder> orders)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "state", "change", "resource type", "owner", "resource", "reason");
        foreach (var order in orders)
        {
            table.AddRow(
                order.Id.ToString(CultureInfo.InvariantCulture),
                order.State.ToString(),
                order.Kind == OrderKind.Rule ? order.ChangeType.ToString() : $"{order.ChangeType} ({order.Kind})",
                Shown.Markup(order.ResourceType),
                Shown.Markup(order.Owner is { } owner ? $"{owner.DisplayName} ({owner.Key})" : "(gone)"),
                Shown.Markup(order.Resource?.Key ?? "(new)"),
                Shown.Markup(order.Reason.Length <= 90 ? order.Reason : order.Reason[..89] + "…"));
        }

        console.Write(table);
        console.MarkupLine($"{orders.Count} order(s); 'orders show ID' gives one in full.");
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static async Task<T> Guarded<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (IdentitySyncException exception)
        {
            throw new UsageException(exception.Message);
        }
    }

    private Command Review(string name, string description, Func<ProvisioningEngine, long, string?, CancellationToken, Task<ProvisioningOrder>> review)
    {
        var id = new Argument<long>("id") { Description = "The order's id." };
        var note = new Option<string?>("--note") { Description = "Who reviewed and why, kept in the order's history." };
        var command = new Command(name, description) { id, note };
        command.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var order = await Guarded(() => review(context.Provisioning(context.OpenStore()), parse.GetValue(id), parse.GetValue(note), cancellationToken)).ConfigureAwait(false);
            console.MarkupLine($"Order {order.Id}: {order.State}.");
            return ExitCodes.Success;
        }));
        return command;
    }
}

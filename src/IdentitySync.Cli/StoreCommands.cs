using System.CommandLine;
using System.Globalization;
using IdentitySync.Storage;
using IdentitySync.Storage.PostgreSql;

namespace IdentitySync.Cli;

/// <summary><c>identitysync store</c>: act on the store itself.</summary>
internal sealed class StoreCommands(TextWriter output, TextWriter error, Option<string?> config, Option<string?> store)
{
    public Command Store()
    {
        var command = new Command("store", "Act on the store itself: create or migrate its schema, or check it.");
        var migrate = new Command(
            "migrate",
            "Create the store's schema, or migrate it to this version, in one transaction. A PostgreSQL store is never migrated by opening it: run this once, as a role that may create tables.");
        migrate.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            var settings = context.Store;
            if (settings.IsPostgreSql)
            {
                var (from, to) = await PostgreSqlResourceStore.MigrateAsync(settings.Location, settings.Schema, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(from == to
                    ? $"{settings.Describe()}: already at store version {to}; nothing to do."
                    : $"{settings.Describe()}: store version {from} → {to}.").ConfigureAwait(false);
            }
            else
            {
                // A SQLite file belongs to one host: opening it creates or migrates it, in one transaction.
                context.OpenStore();
                await output.WriteLineAsync($"{settings.Describe()}: at the current store version.").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }));
        command.Subcommands.Add(migrate);

        var check = new Command(
            "check",
            "Verify the store: its own integrity check, then every link's two ends, unique ids and keys found by their index, counts, connector versions. Exits 8 when it finds a problem.");
        check.SetAction((parse, cancellationToken) => CliApplication.GuardAsync(error, async () =>
        {
            using var context = CliContext.Load(parse.GetValue(config), parse.GetValue(store));
            if (!context.Store.IsPostgreSql && !File.Exists(context.StorePath))
            {
                // Opening a SQLite file creates it: a check must not.
                throw new StoreUnavailableException($"There is no store at {context.StorePath}; nothing to check (a synchronization creates it).");
            }

            var result = await StoreCheck.RunAsync(context.Model, context.OpenStore(), cancellationToken).ConfigureAwait(false);
            var counts = string.Create(CultureInfo.InvariantCulture, $"{result.Resources:N0} resources, {result.Links:N0} links, {result.Connectors} connectors");
            if (result.IsConsistent)
            {
                await output.WriteLineAsync($"{context.Store.Describe()}: consistent ({counts}).").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{context.Store.Describe()}: {result.ProblemCount:N0} problem(s) in {counts}:")).ConfigureAwait(false);
            foreach (var problem in result.Problems)
            {
                await output.WriteLineAsync("  " + Shown.Message(problem)).ConfigureAwait(false);
            }

            if (result.ProblemCount > result.Problems.Count)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  ... and {result.ProblemCount - result.Problems.Count:N0} more.")).ConfigureAwait(false);
            }

            return ExitCodes.Inconsistent;
        }));
        command.Subcommands.Add(check);
        return command;
    }
}

using System.CommandLine;
using IdentitySync.Storage.PostgreSql;

namespace IdentitySync.Cli;

/// <summary><c>identitysync store</c>: act on the store itself.</summary>
internal sealed class StoreCommands(TextWriter output, TextWriter error, Option<string?> config, Option<string?> store)
{
    public Command Store()
    {
        var command = new Command("store", "Act on the store itself: create or migrate its schema.");
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
        return command;
    }
}

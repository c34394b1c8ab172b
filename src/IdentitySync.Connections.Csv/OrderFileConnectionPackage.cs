using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;

namespace IdentitySync.Connections.Csv;

/// <summary>
/// The order-file connection package (<c>OrderFile</c>): writes each fulfillment pass's orders as one JSON
/// file for a script to apply, and reads back the script's results files, which mark each order
/// executed or errored. See docs/provisioning.md for both formats.
/// </summary>
public sealed class OrderFileConnectionPackage : IConnectionPackage
{
    /// <summary>The package's id, as connections name it.</summary>
    public const string PackageId = "OrderFile";

    private static readonly ConnectionSetting[] s_settings =
    [
        new("Directory", "Where order files (orders-*.json) are written and results files (*.results.json) are read; relative to the base directory or absolute.", isRequired: true),
    ];

    /// <inheritdoc />
    public string Id => PackageId;

    /// <inheritdoc />
    public ConnectionCapabilities Capabilities => ConnectionCapabilities.Fulfill;

    /// <inheritdoc />
    public IReadOnlyList<ConnectionSetting> Settings => s_settings;

    /// <inheritdoc />
    public IReadOnlyList<string> ValidateSettings(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var problems = new List<string>();
        foreach (var name in connection.Settings.Keys.Where(static k => !string.Equals(k, "Directory", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{name}: unknown setting; {StrictConfiguration.Suggest(name, ["Directory"], "the OrderFile package reads Directory")}");
        }

        if (!connection.Settings.TryGetValue("Directory", out var directory) || string.IsNullOrWhiteSpace(directory))
        {
            problems.Add("Directory: required; give the folder where order files are written and results files are read, such as orders/ad");
        }

        return problems;
    }

    /// <inheritdoc />
    public IExportConnection CreateExportConnection(Connection connection, ConnectionContext context) =>
        throw new NotSupportedException("The OrderFile package writes orders; it does not export. Export with another connection, such as Csv.");

    /// <inheritdoc />
    public IFulfillConnection CreateFulfillConnection(Connection connection, ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(context);
        if (ValidateSettings(connection) is { Count: > 0 } problems)
        {
            throw new ConnectionException($"Connection '{connection.Name}' of connector '{context.Connector}' has invalid settings: {string.Join("; ", problems)}") { Kind = FailureKind.InvalidInput };
        }

        return new OrderFiles(Path.GetFullPath(connection.Settings["Directory"], context.BaseDirectory), context);
    }

    private sealed class OrderFiles(string directory, ConnectionContext context) : IFulfillConnection
    {
        public async ValueTask<IReadOnlyList<FulfillmentResult>> FulfillAsync(IReadOnlyList<FulfillmentRequest> requests, CancellationToken cancellationToken)
        {
            // The script reads the order schema of docs/provisioning.md; tables and columns are the script's own.
            var orders = requests.Select(static r => r.Order).ToList();
            if (orders.Count == 0)
            {
                return [];
            }

            Directory.CreateDirectory(directory);
            var stamp = context.TimeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
            var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"orders-{context.Connector}-{stamp}-{orders[0].Id}.json"));
            var temporary = path + ".tmp";

            // Written aside then renamed: a script never sees half a file.
            await File.WriteAllTextAsync(temporary, OrderJson.Serialize(orders), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
            return [.. orders.Select(o => new FulfillmentResult(o.Id, FulfillmentStatus.Accepted, "written to " + Path.GetFileName(path)))];
        }

        public async ValueTask<IReadOnlyList<FulfillmentResult>> CollectResultsAsync(CancellationToken cancellationToken)
        {
            if (!Directory.Exists(directory))
            {
                return [];
            }

            var results = new List<FulfillmentResult>();
            foreach (var file in Directory.GetFiles(directory, "*.results.json").Order(StringComparer.Ordinal))
            {
                List<ResultLine>? lines;
                try
                {
                    var stream = File.OpenRead(file);
                    await using (stream.ConfigureAwait(false))
                    {
                        lines = await JsonSerializer.DeserializeAsync(stream, OrderFileJsonContext.Default.ListResultLine, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (JsonException exception)
                {
                    throw new ConnectionException($"{file}: line {exception.LineNumber + 1}: not a results file; expected a JSON array of {{ \"orderId\": 12, \"status\": \"Succeeded\" or \"Failed\", \"message\": \"...\" }} ({exception.Message})", exception) { Kind = FailureKind.InputUnreadable };
                }

                foreach (var line in lines ?? [])
                {
                    results.Add(new FulfillmentResult(line.OrderId, line.Status, line.Message));
                }

                // Kept for the record, never read twice.
                File.Move(file, file + ".done", overwrite: true);
            }

            return results;
        }

    }
}

/// <summary>A line of a script's results file: <c>{ "orderId": 12, "status": "Succeeded", "message": "..." }</c>, names in any case.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Status">What became of it.</param>
/// <param name="Message">Why, when it failed.</param>
internal sealed record ResultLine(long OrderId, FulfillmentStatus Status, string? Message);

/// <summary>The source-generated serializer of the order-file connection's results files.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<ResultLine>))]
internal sealed partial class OrderFileJsonContext : JsonSerializerContext;

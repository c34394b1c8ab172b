using System.Text.Json;
using System.Text.Json.Serialization;
using IdentitySync.Orders;

namespace IdentitySync.Cli;

/// <summary>
/// Plays the directory team's script in the demo: applies the order files IdentitySync wrote into
/// ad/orders to the directory, and answers with a results file, as a real script would over LDAP.
/// </summary>
internal static class DemoDirectoryScript
{
    public static (int Applied, int Failed) Run(DemoCompany company, string directory)
    {
        var orders = Path.Combine(directory, "ad", "orders");
        int applied = 0, failed = 0;
        IEnumerable<string> files = Directory.Exists(orders) ? Directory.GetFiles(orders, "orders-*.json").Order(StringComparer.Ordinal) : [];
        foreach (var file in files)
        {
            var results = new List<ScriptResult>();
            foreach (var order in OrderJson.Deserialize(File.ReadAllText(file)))
            {
                var error = Apply(company, order);
                results.Add(new ScriptResult(order.Id, error is null ? "Succeeded" : "Failed", error));
                applied += error is null ? 1 : 0;
                failed += error is null ? 0 : 1;
            }

            File.WriteAllText(Path.Combine(orders, "answer-" + Path.GetFileNameWithoutExtension(file) + ".results.json"), JsonSerializer.Serialize(results, CliJsonContext.Default.ListScriptResult));
            File.Move(file, file + ".applied", overwrite: true);
        }

        company.WriteDirectory(directory);
        return (applied, failed);
    }

    private static string? Apply(DemoCompany company, ProvisioningOrder order)
    {
        var sam = order.ChangeType == OrderChangeType.Added ? Text(order.Changes, "SamAccountName") : order.Arguments.GetValueOrDefault("SamAccountName");
        var index = company.Accounts.FindIndex(a => string.Equals(a.Sam, sam, StringComparison.OrdinalIgnoreCase));
        switch (order.ChangeType)
        {
            case OrderChangeType.Added when index >= 0:
                return $"{sam} already exists";
            case OrderChangeType.Added:
                var number = Math.Max(200, company.Accounts.Max(static a => a.Index) + 1);
                company.Accounts.Add(new DirectoryAccount(DemoCompany.AccountGuid(number), Text(order.Changes, "Dn") ?? DemoCompany.Dn(sam!), sam!,
                    Text(order.Changes, "EmployeeId") ?? string.Empty, Text(order.Changes, "DisplayName") ?? sam!, string.Empty, number));
                index = company.Accounts.Count - 1;
                break;
            case OrderChangeType.Deleted when index >= 0:
                var gone = company.Accounts[index];
                company.Accounts.RemoveAt(index);
                company.Members.RemoveWhere(m => string.Equals(m.Member, gone.Dn, StringComparison.OrdinalIgnoreCase));
                return null;
            case OrderChangeType.Deleted:
                return null;
            case OrderChangeType.Modified when index < 0:
                return $"no account {sam}";
            case OrderChangeType.Modified:
                var current = company.Accounts[index];
                company.Accounts[index] = current with
                {
                    Display = order.Changes.ContainsKey("DisplayName") ? Text(order.Changes, "DisplayName") ?? string.Empty : current.Display,
                    Employee = order.Changes.ContainsKey("EmployeeId") ? Text(order.Changes, "EmployeeId") ?? string.Empty : current.Employee,
                };
                break;
        }

        var account = company.Accounts[index];
        foreach (var (_, change) in order.Navigation)
        {
            foreach (var group in change.Added)
            {
                company.Members.Add((group, account.Dn));
            }

            foreach (var group in change.Removed)
            {
                company.Members.Remove((group, account.Dn));
            }
        }

        return null;
    }

    private static string? Text(IReadOnlyDictionary<string, object?> values, string name) => values.GetValueOrDefault(name) as string;
}

/// <summary>A line of the script's results file, as docs/provisioning.md has it: no message when it succeeded.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Status">Succeeded or Failed.</param>
/// <param name="Message">Why it failed.</param>
internal sealed record ScriptResult(long OrderId, string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message);

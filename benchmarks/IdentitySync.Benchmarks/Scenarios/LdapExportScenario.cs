using System.Diagnostics;
using System.Globalization;
using IdentitySync.Configuration;
using IdentitySync.Connections;
using IdentitySync.Connections.Ldap;

namespace IdentitySync.Benchmarks.Scenarios;

/// <summary>
/// The LDAP connection's export (into row batches, no store) against <c>ldapsearch -LLL -E pr=1000/noprompt</c>
/// of the same entries and attributes to /dev/null, in the same run, each checked by its count.
/// <c>ldap-export --server URL --bind DN --password-variable NAME --base DN [--filter F] [--runs N] [--out FILE]</c>.
/// </summary>
internal static class LdapExportScenario
{
    private static readonly string[] s_attributes = ["uid", "cn", "sn", "givenName", "mail", "employeeNumber", "departmentNumber", "manager"];

    public static async Task<int> RunAsync(string[] args)
    {
        string Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault()
            ?? throw new ArgumentException($"{name} is required: ldap-export --server URL --bind DN --password-variable NAME --base DN [--filter F] [--runs N] [--out FILE]");
        string? Optional(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var server = Option("--server");
        var bind = Option("--bind");
        var variable = Option("--password-variable");
        var password = Environment.GetEnvironmentVariable(variable) ?? throw new ArgumentException($"the environment variable {variable} is not set");
        var baseDn = Option("--base");
        var filter = Optional("--filter") ?? "(objectClass=inetOrgPerson)";
        var runs = int.Parse(Optional("--runs") ?? "3", CultureInfo.InvariantCulture);

        try
        {
            return await CompareAsync(args, server, bind, variable, password, baseDn, filter, runs).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(Path.Combine(Path.GetTempPath(), $"identitysync-bench-{Environment.ProcessId}.pw"));
        }
    }

    private static async Task<int> CompareAsync(string[] args, string server, string bind, string variable, string password, string baseDn, string filter, int runs)
    {
        string? Optional(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var expected = await LdapsearchCountAsync(server, bind, password, baseDn, filter).ConfigureAwait(false);
        var ldapsearch = new List<double>();
        var connection = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            ldapsearch.Add(await TimeLdapsearchAsync(server, bind, password, baseDn, filter).ConfigureAwait(false));
            var (seconds, rows) = await TimeConnectionAsync(server, bind, variable, baseDn, filter).ConfigureAwait(false);
            if (rows != expected)
            {
                Console.Error.WriteLine($"The connection exported {rows} rows; ldapsearch counts {expected} entries.");
                return 1;
            }

            connection.Add(seconds);
        }

        var best = (Ldapsearch: ldapsearch.Min(), Connection: connection.Min());
        var ratio = best.Connection / best.Ldapsearch;
        var report = string.Create(CultureInfo.InvariantCulture, $"""
            LDAP export of {expected:N0} entries ({string.Join(' ', s_attributes)} and the DN), best of {runs}, on {Environment.ProcessorCount} cores:
            | What | Seconds | Entries per second |
            |---|---|---|
            | ldapsearch -LLL -E pr=1000/noprompt > /dev/null | {best.Ldapsearch:F2} | {expected / best.Ldapsearch:N0} |
            | LdapConnectionPackage export into row batches | {best.Connection:F2} | {expected / best.Connection:N0} |
            Ratio: {ratio:F2}× (budget 2×): {(ratio <= 2 ? "met" : "not met")}.

            """);
        Console.Write(report);
        if (Optional("--out") is { } output)
        {
            await File.WriteAllTextAsync(output, report).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<(double Seconds, long Rows)> TimeConnectionAsync(string server, string bind, string variable, string baseDn, string filter)
    {
        var package = new LdapConnectionPackage();
        var settings = new Dictionary<string, string>
        {
            ["Servers"] = server,
            ["Security"] = "None",
            ["BindDn"] = bind,
            ["PasswordVariable"] = variable,
            ["users.BaseDn"] = baseDn,
            ["users.Filter"] = filter,
        };
        var model = new IdentityModelBuilder().AddConnector("Directory", c => c.AddConnection("Ldap", LdapConnectionPackage.PackageId, settings)).Build();
        var columns = s_attributes.Prepend("dn").ToArray();
        var watch = Stopwatch.StartNew();
        long rows = 0;
        await using (var export = package.CreateExportConnection(model.GetConnector("Directory").Connections[0], new ConnectionContext("Directory", ".", TimeProvider.System)))
        {
            await using var reader = await export.OpenTableAsync(new ExportRequest("users", columns, ExportMode.Complete), CancellationToken.None).ConfigureAwait(false);
            using var batch = new RowBatch(columns.Length);
            while (await reader.ReadAsync(batch, CancellationToken.None).ConfigureAwait(false))
            {
                rows += batch.Count;
            }
        }

        return (watch.Elapsed.TotalSeconds, rows);
    }

    private static async Task<double> TimeLdapsearchAsync(string server, string bind, string password, string baseDn, string filter)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(Ldapsearch(server, bind, password, baseDn, filter, redirect: false))!;
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode == 0 ? watch.Elapsed.TotalSeconds : throw new InvalidOperationException($"ldapsearch exited with {process.ExitCode}");
    }

    private static async Task<long> LdapsearchCountAsync(string server, string bind, string password, string baseDn, string filter)
    {
        using var process = Process.Start(Ldapsearch(server, bind, password, baseDn, filter, redirect: true))!;
        long count = 0;
        while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            count += line.StartsWith("dn:", StringComparison.Ordinal) ? 1 : 0;
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        return count;
    }

    private static ProcessStartInfo Ldapsearch(string server, string bind, string password, string baseDn, string filter, bool redirect)
    {
        // The password goes through a file (-y) only this user reads, not the command line everyone can read.
        var passwordFile = Path.Combine(Path.GetTempPath(), $"identitysync-bench-{Environment.ProcessId}.pw");
        if (!File.Exists(passwordFile))
        {
            using (File.Create(passwordFile))
            {
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.WriteAllText(passwordFile, password);
        }

        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardOutput = redirect,
            ArgumentList = { "-c", redirect ? "exec ldapsearch \"$@\"" : "exec ldapsearch \"$@\" > /dev/null", "ldapsearch", "-x", "-LLL", "-H", server, "-D", bind, "-y", passwordFile, "-b", baseDn, "-E", "pr=1000/noprompt", filter },
        };
        foreach (var attribute in s_attributes)
        {
            start.ArgumentList.Add(attribute);
        }

        return start;
    }
}

using Microsoft.Data.Sqlite;

namespace IdentitySync.Cli.Tests;

/// <summary>The demo company written to a temporary folder for one test (configuration and exports), removed afterwards.</summary>
internal sealed class DemoDeployment : IDisposable
{
    public DemoDeployment(string prefix)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory(prefix).FullName;
        new DemoCompany().Write(Directory);
    }

    public string Directory { get; }

    public string Config => Path.Combine(Directory, "identitysync.json");

    public string Store => Path.Combine(Directory, "identitysync.db");

    public void Dispose()
    {
        // Pooled connections keep the store open.
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

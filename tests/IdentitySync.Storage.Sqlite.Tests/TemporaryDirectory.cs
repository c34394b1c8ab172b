using Microsoft.Data.Sqlite;

namespace IdentitySync.Storage.Sqlite.Tests;

/// <summary>A directory for one test's database files, removed afterwards.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("identitysync-sqlite").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // Pooled connections keep the files open.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}

/// <summary>A test class whose tests each get a directory of their own for database files, removed afterwards.</summary>
public abstract class TemporaryDirectoryTests
{
    /// <summary>Gets the running test's directory.</summary>
    internal TemporaryDirectory TestDirectory { get; private set; } = null!;

    [SetUp]
    public void CreateDirectory() => TestDirectory = new TemporaryDirectory();

    [TearDown]
    public void DeleteDirectory() => TestDirectory.Dispose();
}

namespace IdentitySync.Testing;

/// <summary>Files of this repository (docs, samples) that tests hold the code to.</summary>
public static class RepositoryFiles
{
    /// <summary>Gets the repository's root: the folder above the test assembly that holds IdentitySync.Core.sln.</summary>
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "IdentitySync.Core.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException($"No IdentitySync.Core.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Reads a file of the repository.</summary>
    /// <param name="path">The file's path from the root, with forward slashes (<c>docs/storage.md</c>).</param>
    /// <returns>Its text.</returns>
    public static string Read(string path) => File.ReadAllText(Path.Combine([Root, .. path.Split('/')]));
}

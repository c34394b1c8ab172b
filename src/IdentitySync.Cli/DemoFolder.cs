namespace IdentitySync.Cli;

/// <summary>
/// The folder a demo writes into: new, empty, or one an earlier demo wrote (it holds the marker file).
/// Any other folder may be a deployment, whose configuration and store the demo would replace, so it is
/// refused unless <c>--force</c> says to go ahead.
/// </summary>
internal static class DemoFolder
{
    public const string Marker = ".identitysync-demo";

    public static void Claim(string path, bool force)
    {
        if (File.Exists(path))
        {
            throw new UsageException($"--directory: '{path}' is a file; give a folder for the demo.");
        }

        var isDemo = File.Exists(Path.Combine(path, Marker));
        var isEmpty = !Directory.Exists(path) || !Directory.EnumerateFileSystemEntries(path).Any();
        if (!isDemo && !isEmpty && !force)
        {
            var deployment = File.Exists(Path.Combine(path, CliContext.DefaultConfigFile)) ? $" (it has an {CliContext.DefaultConfigFile})" : string.Empty;
            throw new UsageException(
                $"--directory: '{path}' already holds files the demo did not write{deployment}; the demo would replace its {CliContext.DefaultConfigFile} and store. "
                + "Give an empty or new folder, or add --force to replace them.");
        }

        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, Marker), "Written by 'identitysync demo': running the demo here again replaces this folder's demo files.\n");
    }
}

namespace IdentitySync.Cli;

/// <summary>
/// A file a command writes its result to (<c>--report</c>, <c>--out</c>), checked before the command runs,
/// so that a result is never lost after a commit: a missing folder or a path that cannot be written stops
/// the command before it starts, and a write that fails afterwards (a full disk) prints the result on
/// standard error instead.
/// </summary>
internal sealed class OutputFile
{
    private readonly string _option;

    private OutputFile(string option, string path)
    {
        _option = option;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Checks that <paramref name="path"/> can be written; null when the option is not given.</summary>
    /// <exception cref="UsageException">The path is a folder, its folder does not exist, or it cannot be opened for writing.</exception>
    public static OutputFile? Check(string option, string? path)
    {
        if (path is null)
        {
            return null;
        }

        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UsageException($"{option} {full}: is a folder; give a file's path. Nothing was run.");
        }

        var folder = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"{option} {full}: the folder {folder} does not exist; create it or give another path. Nothing was run.");
        }

        try
        {
            // Opened for appending, an existing file is left as it is; a file the probe created is removed.
            var existed = File.Exists(full);
            using (new FileStream(full, FileMode.Append, FileAccess.Write))
            {
            }

            if (!existed)
            {
                File.Delete(full);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} {full}: cannot be written ({exception.Message}); give another path. Nothing was run.");
        }

        return new(option, full);
    }

    /// <summary>Creates the file (replacing one that exists) for a command that streams into it.</summary>
    /// <returns>The stream.</returns>
    /// <exception cref="UsageException">The file cannot be created.</exception>
    public FileStream Create()
    {
        try
        {
            return new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{_option} {Path}: cannot be written ({exception.Message}); give another path. Nothing was run.");
        }
    }

    /// <summary>Writes the result; when that fails, says so and prints it on <paramref name="error"/>.</summary>
    /// <returns>Whether the file was written.</returns>
    public async Task<bool> WriteAsync(string text, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        text = CliApplication.Secrets.Redact(text);
        try
        {
            await File.WriteAllTextAsync(Path, text + Environment.NewLine, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Report written to {Path}.").ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{_option} {Path} could not be written ({exception.Message}); what the command did is saved, and its report follows here:").ConfigureAwait(false);
            await error.WriteLineAsync(text).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The exit code once the result is written: a run that succeeded but whose report was lost exits 1.</summary>
    public static int ExitCode(int code, bool written) => written || code != ExitCodes.Success ? code : ExitCodes.Failure;
}

using System.Reflection;
using System.Runtime.Loader;
using IdentitySync.Connections;

namespace IdentitySync.Cli;

/// <summary>
/// Loads the connection packages the configuration names under <c>ConnectionPackages</c> (id → a
/// <c>dotnet publish</c> folder, or its main assembly): each in a load context of its own that resolves its
/// dependencies from its folder (<see cref="AssemblyDependencyResolver"/>), sharing IdentitySync.Core and the
/// Microsoft.Extensions assemblies with the command line so that the SPI types are the same types. Every
/// failure is a <see cref="UsageException"/> that names the setting and says what is wrong.
/// </summary>
internal static class ConnectionPlugins
{
    private static readonly Dictionary<string, IConnectionPackage> s_loaded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the SPI version of this command line: IdentitySync.Core's assembly version.</summary>
    public static Version SpiVersion { get; } = typeof(IConnectionPackage).Assembly.GetName().Version!;

    /// <summary>Loads each configured package (once per process and path) and returns them.</summary>
    /// <param name="configured">The configured packages: id → path, relative to the configuration file's folder.</param>
    /// <param name="directory">The configuration file's folder.</param>
    /// <param name="builtIn">The packages built into the command line, whose ids a plug-in may not take.</param>
    /// <returns>The packages.</returns>
    public static IReadOnlyList<IConnectionPackage> Load(IReadOnlyDictionary<string, string> configured, string directory, IReadOnlyList<IConnectionPackage> builtIn)
    {
        var packages = new List<IConnectionPackage>();
        foreach (var (id, path) in configured)
        {
            var setting = $"ConnectionPackages.{id}";
            if (builtIn.Any(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                throw new UsageException($"{setting}: '{id}' is built into the command line; give the plug-in's package another id.");
            }

            var assemblyPath = MainAssembly(setting, Path.GetFullPath(path, directory));
            lock (s_loaded)
            {
                var key = id + "|" + assemblyPath;
                if (!s_loaded.TryGetValue(key, out var package))
                {
                    package = LoadPackage(setting, id, assemblyPath);
                    s_loaded[key] = package;
                }

                packages.Add(package);
            }
        }

        return packages;
    }

    /// <summary>
    /// Whether a plug-in built against IdentitySync.Core <paramref name="built"/> runs on <paramref name="host"/>:
    /// the same major version, and while the major is 0, the same minor (0.x versions break at the minor).
    /// </summary>
    /// <param name="built">The version the plug-in references.</param>
    /// <param name="host">The command line's version.</param>
    /// <returns>Whether they are compatible.</returns>
    public static bool IsCompatible(Version built, Version host) =>
        built.Major == host.Major && (host.Major > 0 || built.Minor == host.Minor);

    private static string MainAssembly(string setting, string path)
    {
        if (File.Exists(path))
        {
            return path;
        }

        if (!Directory.Exists(path))
        {
            throw new UsageException($"{setting}: '{path}' does not exist; give the folder 'dotnet publish' wrote for the connection package, or its main assembly.");
        }

        // A publish folder has one .deps.json, named after its main assembly.
        var deps = Directory.GetFiles(path, "*.deps.json");
        return deps.Length == 1 && File.Exists(deps[0][..^".deps.json".Length] + ".dll")
            ? deps[0][..^".deps.json".Length] + ".dll"
            : throw new UsageException($"{setting}: '{path}' is not a 'dotnet publish' folder of one connection package ({(deps.Length == 0 ? "no" : deps.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} .deps.json files); name its main assembly instead.");
    }

    private static IConnectionPackage LoadPackage(string setting, string id, string assemblyPath)
    {
        Assembly assembly;
        try
        {
            assembly = new PluginLoadContext(assemblyPath).LoadFromAssemblyPath(assemblyPath);
        }
        catch (Exception exception) when (exception is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new UsageException($"{setting}: '{assemblyPath}' cannot be loaded: {exception.Message}");
        }

        var core = assembly.GetReferencedAssemblies().FirstOrDefault(static a => a.Name == "IdentitySync.Core");
        if (core?.Version is not { } built)
        {
            throw new UsageException($"{setting}: '{assemblyPath}' does not reference IdentitySync.Core, so it is not a connection package.");
        }

        if (!IsCompatible(built, SpiVersion))
        {
            throw new UsageException(
                $"{setting}: '{Path.GetFileName(assemblyPath)}' was built against IdentitySync.Core {built.ToString(3)}; this command line has {SpiVersion.ToString(3)}, " +
                $"and packages load across versions {(SpiVersion.Major == 0 ? "0.x only with the same minor" : "with the same major")}. Rebuild the package against IdentitySync.Core {SpiVersion.ToString(2)}.");
        }

        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception exception) when (exception is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw new UsageException($"{setting}: the types of '{Path.GetFileName(assemblyPath)}' cannot be loaded ({exception.Message}); is a dependency missing from its folder?");
        }

        var found = new List<IConnectionPackage>();
        foreach (var type in types.Where(static t => t is { IsAbstract: false, IsClass: true } && typeof(IConnectionPackage).IsAssignableFrom(t)))
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }

            try
            {
                found.Add((IConnectionPackage)Activator.CreateInstance(type)!);
            }
            catch (TargetInvocationException exception)
            {
                throw new UsageException($"{setting}: creating {type.FullName} failed: {exception.InnerException?.Message ?? exception.Message}");
            }
        }

        return found.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException(found.Count == 0
                ? $"{setting}: '{Path.GetFileName(assemblyPath)}' has no public connection package class with a constructor without parameters."
                : $"{setting}: '{Path.GetFileName(assemblyPath)}' has no connection package '{id}'; it has {string.Join(", ", found.Select(static p => p.Id))}.");
    }

    /// <summary>A plug-in's own load context: its dependencies from its folder, the SPI and the abstractions from the host.</summary>
    private sealed class PluginLoadContext(string mainAssembly) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(mainAssembly))
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Shared with the host: the types the SPI exchanges must be the host's types. A Microsoft.Extensions
            // assembly the host does not carry comes from the plug-in's folder.
            if (assemblyName.Name == "IdentitySync.Core")
            {
                return null;
            }

            if (assemblyName.Name?.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) == true)
            {
                try
                {
                    return Default.LoadFromAssemblyName(assemblyName);
                }
                catch (FileNotFoundException)
                {
                    // Not the host's: the plug-in's own.
                }
            }

            return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}

namespace IdentitySync.Connections;

/// <summary>A table a connection can read, with its columns, as <see cref="IConnectionPackage.DiscoverAsync"/> found it in the system.</summary>
/// <param name="Name">The table's name, as a mapping names it; <c>*</c> when one source serves any table name.</param>
/// <param name="Columns">Its columns, in the system's order.</param>
/// <param name="Source">Where it was found (a file, a search base), for people.</param>
public sealed record DiscoveredTable(string Name, IReadOnlyList<string> Columns, string Source);

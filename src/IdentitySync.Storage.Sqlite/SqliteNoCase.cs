namespace IdentitySync.Storage.Sqlite;

/// <summary>
/// Equality as SQLite's <c>NOCASE</c> collation, which the names of entity types and associations are unique by:
/// ASCII letters fold, every other character compares as it is. The store's caches of those names use it, so that a
/// cached name finds the row SQL would find.
/// </summary>
internal sealed class SqliteNoCase : IEqualityComparer<string>
{
    public static readonly SqliteNoCase Instance = new();

    public bool Equals(string? x, string? y)
    {
        if (x is null || y is null || x.Length != y.Length)
        {
            return ReferenceEquals(x, y);
        }

        for (var i = 0; i < x.Length; i++)
        {
            if (Fold(x[i]) != Fold(y[i]))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(string obj)
    {
        var hash = default(HashCode);
        foreach (var c in obj)
        {
            hash.Add(Fold(c));
        }

        return hash.ToHashCode();
    }

    private static char Fold(char c) => c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

namespace IdentitySync.Model;

/// <summary>The key role of a mapped property.</summary>
public enum PropertyKey
{
    /// <summary>Not a key.</summary>
    None,

    /// <summary>The primary key: immutable, unique, required; exactly one per mapping.</summary>
    Primary,

    /// <summary>A unique key used to resolve references (for example a distinguished name); at most three per mapping.</summary>
    Unique,
}

namespace IdentitySync.Storage;

/// <summary>Which way to follow an association from a resource.</summary>
public enum LinkDirection
{
    /// <summary>The resource is on the first side; the linked resources are on the second (group → members).</summary>
    FirstToSecond,

    /// <summary>The resource is on the second side; the linked resources are on the first (user → groups).</summary>
    SecondToFirst,
}

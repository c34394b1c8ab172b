namespace IdentitySync.Connections;

/// <summary>What an ownership policy did.</summary>
public enum OwnershipAction
{
    /// <summary>The source's value replaced one set otherwise (by hand, or by another source).</summary>
    Overwritten,

    /// <summary>The source's value was not written; the current one is kept.</summary>
    Skipped,
}

namespace IdentitySync.Model;

/// <summary>Who may overwrite a property a scalar rule computes (docs/provisioning.md, ownership).</summary>
public enum PropertyOwnership
{
    /// <summary>The source always wins; a manual edit is overwritten, and the overwrite reported.</summary>
    Authoritative,

    /// <summary>Set when the resource is created, never updated by the source.</summary>
    CreateOnly,

    /// <summary>The source fills the property only while it is empty.</summary>
    IfEmpty,

    /// <summary>Never written by the source: people keep it.</summary>
    Manual,
}

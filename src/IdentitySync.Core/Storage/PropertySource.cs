namespace IdentitySync.Storage;

/// <summary>Where a repository resource's property value came from: a rule of a source, or a person's edit.</summary>
/// <param name="ResourceId">The resource's id.</param>
/// <param name="Property">The property.</param>
/// <param name="Kind">How the value was written.</param>
/// <param name="Source">The source: the connector and resource type whose rule wrote it (<c>HR / HR_Identity</c>), or the person who edited it.</param>
/// <param name="Detail">The rule's text, or the edit's note.</param>
/// <param name="OrderId">The order that wrote it; <see langword="null"/> for a manual edit.</param>
/// <param name="At">When.</param>
public sealed record PropertySource(long ResourceId, string Property, PropertySourceKind Kind, string Source, string? Detail, long? OrderId, DateTimeOffset At);

/// <summary>How a repository property value was written.</summary>
public enum PropertySourceKind
{
    /// <summary>By a scalar rule of a source, through an order of the internal workflow.</summary>
    Rule,

    /// <summary>By a person, through the manual-edit API.</summary>
    Manual,
}

namespace IdentitySync.Connections;

/// <summary>
/// The links an order adds and removes through one navigation property, with what a connection needs to
/// write them: the association's table and columns, which side the order's resource is on, and the keys
/// of each target (for a directory, both distinguished names of a membership).
/// </summary>
public sealed record NavigationFulfillment
{
    /// <summary>Gets the navigation property of the order's entity type.</summary>
    public required string Property { get; init; }

    /// <summary>Gets the association the property belongs to.</summary>
    public required string Association { get; init; }

    /// <summary>Gets the entity type of the targets.</summary>
    public required string TargetEntityType { get; init; }

    /// <summary>Gets a value indicating whether the order's resource is the association's first side (a group of a membership), so its column is <see cref="FirstColumn"/>.</summary>
    public required bool ResourceIsFirst { get; init; }

    /// <summary>Gets the connection table the association is mapped to in the order's connector; <see langword="null"/> when it is not mapped there.</summary>
    public string? Table { get; init; }

    /// <summary>Gets the column of the association's first side; <see langword="null"/> when it is not mapped.</summary>
    public string? FirstColumn { get; init; }

    /// <summary>Gets the column of the association's second side; <see langword="null"/> when it is not mapped.</summary>
    public string? SecondColumn { get; init; }

    /// <summary>Gets the targets to link.</summary>
    public IReadOnlyList<LinkTarget> Added { get; init; } = [];

    /// <summary>Gets the targets to unlink.</summary>
    public IReadOnlyList<LinkTarget> Removed { get; init; } = [];
}

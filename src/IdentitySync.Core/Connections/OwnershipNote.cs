namespace IdentitySync.Connections;

/// <summary>What an ownership policy did to one property of a repository resource.</summary>
/// <param name="ResourceType">The resource type (the source).</param>
/// <param name="Resource">The resource's key.</param>
/// <param name="Property">The property.</param>
/// <param name="Action">Whether the value was overwritten or kept.</param>
/// <param name="Policy">The property's ownership policy.</param>
/// <param name="Reason">Why, in plain words, with the values and who set the previous one.</param>
public sealed record OwnershipNote(string ResourceType, string Resource, string Property, OwnershipAction Action, Model.PropertyOwnership Policy, string Reason);

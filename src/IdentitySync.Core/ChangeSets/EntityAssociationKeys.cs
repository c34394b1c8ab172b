namespace IdentitySync.ChangeSets;

/// <summary>Names an association and the entity types of its two sides, for a store resolving links by key.</summary>
/// <param name="Association">The association's name.</param>
/// <param name="FirstEntityType">The entity type of the first side.</param>
/// <param name="SecondEntityType">The entity type of the second side.</param>
public sealed record EntityAssociationKeys(string Association, string FirstEntityType, string SecondEntityType);

namespace IdentitySync.ChangeSets;

/// <summary>An added or removed link, its sides named by primary key.</summary>
/// <param name="FirstKey">The primary key of the first side's resource.</param>
/// <param name="SecondKey">The primary key of the second side's resource.</param>
public sealed record LinkChange(string FirstKey, string SecondKey);

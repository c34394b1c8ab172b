namespace IdentitySync.Model;

/// <summary>How the internal workflow ends a repository resource (an identity).</summary>
/// <param name="EndDateProperty">The DateTime property set to the end date; <see langword="null"/> for none.</param>
/// <param name="ActiveProperty">The Bool property set to false; <see langword="null"/> for none.</param>
/// <param name="HardDelete">Whether the resource is deleted instead of ended.</param>
public sealed record WorkflowPolicy(string? EndDateProperty, string? ActiveProperty, bool HardDelete);

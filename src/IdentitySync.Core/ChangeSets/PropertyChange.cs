namespace IdentitySync.ChangeSets;

/// <summary>One property's value before and after an update.</summary>
/// <param name="Property">The property's name.</param>
/// <param name="OldValue">The stored value.</param>
/// <param name="NewValue">The synchronized value.</param>
public sealed record PropertyChange(string Property, object? OldValue, object? NewValue);

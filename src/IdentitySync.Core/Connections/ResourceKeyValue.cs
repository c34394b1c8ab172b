using IdentitySync.Model;

namespace IdentitySync.Connections;

/// <summary>One key of a resource as the managed system names it.</summary>
/// <param name="Property">The key property.</param>
/// <param name="Column">The connection's column for it.</param>
/// <param name="Value">The value, as text (a distinguished name, a login, a GUID).</param>
/// <param name="Role">Whether it is the primary key or a unique key.</param>
public sealed record ResourceKeyValue(string Property, string Column, string Value, PropertyKey Role);

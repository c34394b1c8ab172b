namespace IdentitySync.Configuration;

/// <summary>The configuration of a property mapping.</summary>
public sealed class PropertyMappingOptions
{
    /// <summary>Gets or sets the name of the scalar property.</summary>
    public string? Property { get; set; }

    /// <summary>Gets or sets the source column's header.</summary>
    /// <value>The default value is <see langword="null"/>: the property's name.</value>
    public string? Column { get; set; }

    /// <summary>
    /// Gets or sets the format: empty for the type's default, or GeneralizedTime, FileTime, Sid,
    /// ObjectGuid, Hex, <c>pattern:&lt;.NET date pattern&gt;</c>, <c>bool:&lt;true&gt;|&lt;false&gt;</c>.
    /// </summary>
    public string? Format { get; set; }

    /// <summary>Gets or sets the key role: None, Primary or Unique.</summary>
    /// <value>The default value is <c>None</c>.</value>
    public Model.PropertyKey Key { get; set; }

    /// <summary>Gets or sets a value indicating whether the key compares without case, as LDAP distinguished names do (primary and unique text keys only).</summary>
    /// <value>The default value is <see langword="false"/>: keys compare exactly.</value>
    public bool IgnoreCase { get; set; }

    /// <summary>Gets or sets the separator between the values of a multi-valued property.</summary>
    /// <value>The default value is <see langword="null"/>: <c>|</c> for multi-valued properties.</value>
    public string? Separator { get; set; }
}

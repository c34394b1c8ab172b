namespace IdentitySync.Configuration;

/// <summary>The configuration of a scalar property.</summary>
public sealed class ScalarPropertyOptions
{
    /// <summary>Gets or sets the identifier: letters, digits and '_', not starting with a digit.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the type: String, Int32, Int64, Bool, DateTime, Guid, Double or Binary.</summary>
    /// <value>The default value is <c>String</c>.</value>
    public Model.ScalarType Type { get; set; }

    /// <summary>Gets or sets a value indicating whether the property holds several values.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IsMultiValued { get; set; }
}

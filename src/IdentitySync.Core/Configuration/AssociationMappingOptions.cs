namespace IdentitySync.Configuration;

/// <summary>The configuration of an association mapping.</summary>
public sealed class AssociationMappingOptions
{
    /// <summary>Gets or sets the name of the mapped association; it also names the mapping.</summary>
    public string? Association { get; set; }

    /// <summary>Gets or sets the name of the connector's connection that exports the table.</summary>
    public string? Connection { get; set; }

    /// <summary>Gets or sets the connection table.</summary>
    public string? Table { get; set; }

    /// <summary>Gets or sets the column holding the first side's key values.</summary>
    public string? FirstColumn { get; set; }

    /// <summary>Gets or sets the first side's key property (its primary key or a unique key).</summary>
    /// <value>The default value is <see langword="null"/>: the first side's primary key.</value>
    public string? FirstKey { get; set; }

    /// <summary>Gets or sets the column holding the second side's key values.</summary>
    public string? SecondColumn { get; set; }

    /// <summary>Gets or sets the second side's key property (its primary key or a unique key).</summary>
    /// <value>The default value is <see langword="null"/>: the second side's primary key.</value>
    public string? SecondKey { get; set; }

    /// <summary>Gets the thresholds of this mapping's scope (all 0, off, by default).</summary>
    public LinkThresholdOptions Thresholds { get; } = new();
}

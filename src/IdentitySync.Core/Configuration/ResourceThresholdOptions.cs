namespace IdentitySync.Configuration;

/// <summary>The configuration of resource thresholds; 0 turns a limit off.</summary>
public sealed class ResourceThresholdOptions
{
    /// <summary>Gets or sets the most resources one run may insert (a count ≥ 0).</summary>
    /// <value>The default value is 0 (off) for a mapping and 100 for a connector.</value>
    public int MaxInserted { get; set; }

    /// <summary>Gets or sets the most resources one run may update (a count ≥ 0).</summary>
    /// <value>The default value is 0 (off) for a mapping and 100 for a connector.</value>
    public int MaxUpdated { get; set; }

    /// <summary>Gets or sets the most resources one run may delete (a count ≥ 0).</summary>
    /// <value>The default value is 0 (off) for a mapping and 100 for a connector.</value>
    public int MaxDeleted { get; set; }

    /// <summary>Gets or sets the most inserts in percent (0 to 100) of the stored count in the scope.</summary>
    /// <value>The default value is 0 (off) for a mapping and 5 for a connector.</value>
    public double MaxInsertedPercent { get; set; }

    /// <summary>Gets or sets the most updates in percent (0 to 100) of the stored count in the scope.</summary>
    /// <value>The default value is 0 (off) for a mapping and 5 for a connector.</value>
    public double MaxUpdatedPercent { get; set; }

    /// <summary>Gets or sets the most deletes in percent (0 to 100) of the stored count in the scope.</summary>
    /// <value>The default value is 0 (off) for a mapping and 5 for a connector.</value>
    public double MaxDeletedPercent { get; set; }
}

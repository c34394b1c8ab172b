namespace IdentitySync.Configuration;

/// <summary>The configuration of link thresholds; 0 turns a limit off.</summary>
public sealed class LinkThresholdOptions
{
    /// <summary>Gets or sets the most links one run may insert (a count ≥ 0).</summary>
    /// <value>The default value is 0 (off) for a mapping and 1000 for a connector.</value>
    public int MaxInserted { get; set; }

    /// <summary>Gets or sets the most links one run may delete (a count ≥ 0).</summary>
    /// <value>The default value is 0 (off) for a mapping and 1000 for a connector.</value>
    public int MaxDeleted { get; set; }

    /// <summary>Gets or sets the most link inserts in percent (0 to 100) of the stored links in the scope.</summary>
    /// <value>The default value is 0 (off) for a mapping and 5 for a connector.</value>
    public double MaxInsertedPercent { get; set; }

    /// <summary>Gets or sets the most link deletes in percent (0 to 100) of the stored links in the scope.</summary>
    /// <value>The default value is 0 (off) for a mapping and 5 for a connector.</value>
    public double MaxDeletedPercent { get; set; }
}

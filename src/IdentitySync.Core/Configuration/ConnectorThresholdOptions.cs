namespace IdentitySync.Configuration;

/// <summary>The configuration of the connector scope's thresholds, with the defaults of the domain.</summary>
public sealed class ConnectorThresholdOptions
{
    /// <summary>Gets the resource limits.</summary>
    /// <value>The default is 100 resources and 5 % for each of inserted, updated and deleted.</value>
    public ResourceThresholdOptions Resources { get; } = new()
    {
        MaxInserted = 100,
        MaxUpdated = 100,
        MaxDeleted = 100,
        MaxInsertedPercent = 5,
        MaxUpdatedPercent = 5,
        MaxDeletedPercent = 5,
    };

    /// <summary>Gets the link limits.</summary>
    /// <value>The default is 1000 links and 5 % for each of inserted and deleted.</value>
    public LinkThresholdOptions Links { get; } = new()
    {
        MaxInserted = 1000,
        MaxDeleted = 1000,
        MaxInsertedPercent = 5,
        MaxDeletedPercent = 5,
    };

    /// <summary>Gets or sets the most rows a run may quarantine, over every table of the connector; 0 turns the limit off.</summary>
    /// <value>The default value is 0: no count limit.</value>
    public int MaxQuarantined { get; set; }

    /// <summary>
    /// Gets or sets the largest share of the rows read, in percent, that a run may quarantine; 0 turns the limit off.
    /// A run over it is blocked, as a resumable blocked change set, instead of applying what is left.
    /// </summary>
    /// <value>The default value is 50: a run in which most rows are bad is blocked.</value>
    public double MaxQuarantinedPercent { get; set; } = 50;
}

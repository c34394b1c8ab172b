namespace IdentitySync.Model;

/// <summary>
/// Maxima of inserted, updated and deleted resources in one synchronization; a run that exceeds any
/// of them is blocked. Zero turns a limit off.
/// </summary>
public sealed record ResourceThresholds
{
    internal ResourceThresholds(int maxInserted, int maxUpdated, int maxDeleted, double maxInsertedPercent, double maxUpdatedPercent, double maxDeletedPercent)
    {
        MaxInserted = maxInserted;
        MaxUpdated = maxUpdated;
        MaxDeleted = maxDeleted;
        MaxInsertedPercent = maxInsertedPercent;
        MaxUpdatedPercent = maxUpdatedPercent;
        MaxDeletedPercent = maxDeletedPercent;
    }

    /// <summary>Gets the most resources one run may insert; 0 is off.</summary>
    public int MaxInserted { get; }

    /// <summary>Gets the most resources one run may update; 0 is off.</summary>
    public int MaxUpdated { get; }

    /// <summary>Gets the most resources one run may delete; 0 is off.</summary>
    public int MaxDeleted { get; }

    /// <summary>Gets the most resources one run may insert, in percent of the stored count in the scope; 0 is off.</summary>
    public double MaxInsertedPercent { get; }

    /// <summary>Gets the most resources one run may update, in percent of the stored count in the scope; 0 is off.</summary>
    public double MaxUpdatedPercent { get; }

    /// <summary>Gets the most resources one run may delete, in percent of the stored count in the scope; 0 is off.</summary>
    public double MaxDeletedPercent { get; }
}

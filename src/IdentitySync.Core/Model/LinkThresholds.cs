namespace IdentitySync.Model;

/// <summary>
/// Maxima of inserted and deleted links (association values) in one synchronization; a run that
/// exceeds any of them is blocked. Zero turns a limit off.
/// </summary>
public sealed record LinkThresholds
{
    internal LinkThresholds(int maxInserted, int maxDeleted, double maxInsertedPercent, double maxDeletedPercent)
    {
        MaxInserted = maxInserted;
        MaxDeleted = maxDeleted;
        MaxInsertedPercent = maxInsertedPercent;
        MaxDeletedPercent = maxDeletedPercent;
    }

    /// <summary>Gets the most links one run may insert; 0 is off.</summary>
    public int MaxInserted { get; }

    /// <summary>Gets the most links one run may delete; 0 is off.</summary>
    public int MaxDeleted { get; }

    /// <summary>Gets the most links one run may insert, in percent of the stored links in the scope; 0 is off.</summary>
    public double MaxInsertedPercent { get; }

    /// <summary>Gets the most links one run may delete, in percent of the stored links in the scope; 0 is off.</summary>
    public double MaxDeletedPercent { get; }
}

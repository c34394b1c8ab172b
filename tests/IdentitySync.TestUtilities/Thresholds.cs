using IdentitySync.Configuration;

namespace IdentitySync.Testing;

/// <summary>Threshold settings for tests that are about something else.</summary>
public static class Thresholds
{
    /// <summary>Turns every resource and link threshold of a connector off (0 means no limit).</summary>
    /// <param name="thresholds">The connector's thresholds.</param>
    public static void Off(ConnectorThresholdOptions thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        thresholds.Resources.MaxInserted = thresholds.Resources.MaxUpdated = thresholds.Resources.MaxDeleted = 0;
        thresholds.Resources.MaxInsertedPercent = thresholds.Resources.MaxUpdatedPercent = thresholds.Resources.MaxDeletedPercent = 0;
        thresholds.Links.MaxInserted = thresholds.Links.MaxDeleted = 0;
        thresholds.Links.MaxInsertedPercent = thresholds.Links.MaxDeletedPercent = 0;
    }
}

namespace IdentitySync.Synchronization;

/// <summary>
/// The room an estimate (a store's count of links, an export's count of rows) sizes a run's buffers for: none for an
/// estimate of nothing, and at most a quarter of a billion, so that a statistic gone wrong cannot take all the memory
/// (past it, buffers grow as they go). Decisions 121–122.
/// </summary>
internal static class SizeHint
{
    /// <summary>The most room an estimate sizes a buffer for.</summary>
    public const int Most = 1 << 28;

    /// <summary>The room for an estimate: 0 (nothing to size) to <see cref="Most"/>.</summary>
    /// <param name="estimate">The estimate; 0 or less when there is none.</param>
    public static int Room(long estimate) => (int)Math.Clamp(estimate, 0, Most);
}

namespace IdentitySync.Provisioning;

/// <summary>What the rules ask for one owner.</summary>
internal sealed record Desired(
    bool? Entitled,
    string? Grant,
    Dictionary<string, object?> Values,
    IReadOnlyDictionary<string, SortedSet<string>> Links,
    IReadOnlyDictionary<string, string> Explain);

/// <summary>Counts of one generation for one resource type.</summary>
internal sealed class Counters
{
    public int Added { get; set; }

    public int Modified { get; set; }

    public int Deleted { get; set; }

    public int NonConforming { get; set; }

    public int Gaps { get; set; }

    public int WaitingForDependency { get; set; }

    public int WaitingForReview { get; set; }
}

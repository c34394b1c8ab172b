using System.Text.Json;
using IdentitySync.Connections;
using IdentitySync.Internal;
using IdentitySync.Orders;

namespace IdentitySync.Provisioning;

/// <summary>What one order generation did, per resource type; serializes to stable JSON (docs/provisioning.md).</summary>
public sealed record ProvisioningReport
{
    /// <summary>Gets when the generation started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets a value indicating whether nothing was saved.</summary>
    public bool DryRun { get; init; }

    /// <summary>Gets a value indicating whether thresholds were ignored.</summary>
    public bool Force { get; init; }

    /// <summary>Gets a value indicating whether some resource type exceeded its thresholds: its orders were not saved.</summary>
    public bool IsBlocked => ResourceTypes.Any(static t => t.Blocked);

    /// <summary>Gets the counts per resource type.</summary>
    public IReadOnlyList<ResourceTypeProvisioning> ResourceTypes { get; init; } = [];

    /// <summary>Gets the orders generated (saved unless dry run or blocked).</summary>
    public IReadOnlyList<ProvisioningOrder> Orders { get; init; } = [];

    /// <summary>Gets what ownership policies did to repository properties (identities): values overwritten, values kept, and why.</summary>
    public IReadOnlyList<OwnershipNote> Ownership { get; init; } = [];

    /// <summary>Gets how long it took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Serializes the report to indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Options);
}

/// <summary>What one generation did for one resource type.</summary>
/// <param name="Name">The resource type.</param>
/// <param name="Owners">The owners considered.</param>
/// <param name="Evaluated">The owners evaluated; the others had not changed since the last generation.</param>
/// <param name="Added">The <c>Added</c> orders.</param>
/// <param name="Modified">The <c>Modified</c> orders the rules explain.</param>
/// <param name="Deleted">The <c>Deleted</c> orders.</param>
/// <param name="NonConforming">The orders for values changed by hand in the managed system, waiting for review.</param>
/// <param name="Gaps">The removals waiting for review: the type may not remove by itself.</param>
/// <param name="WaitingForDependency">The owners entitled to a resource who lack a resource of a type it depends on.</param>
/// <param name="WaitingForReview">The owners entitled to a resource whom categorization suggested an existing account to: no <c>Added</c> order until the suggestion is reviewed.</param>
/// <param name="Blocked">Whether the orders exceeded a threshold and were not saved.</param>
/// <param name="Threshold">The threshold exceeded, in plain words; <see langword="null"/> when none.</param>
/// <param name="Problems">Rules that could not be applied, such as a navigation target that does not exist.</param>
public sealed record ResourceTypeProvisioning(
    string Name,
    int Owners,
    int Evaluated,
    int Added,
    int Modified,
    int Deleted,
    int NonConforming,
    int Gaps,
    int WaitingForDependency,
    int WaitingForReview,
    bool Blocked,
    string? Threshold,
    IReadOnlyList<string> Problems);

/// <summary>What one fulfillment pass did; serializes to stable JSON.</summary>
/// <param name="Executed">Orders a connection applied.</param>
/// <param name="Transmitted">Orders handed over to be confirmed later (order files).</param>
/// <param name="Tickets">Orders that became tickets for a person.</param>
/// <param name="Failed">Orders that failed: moved to <see cref="Orders.OrderState.Error"/>.</param>
/// <param name="Retrying">Orders to be tried again later.</param>
/// <param name="Skipped">Orders of deactivated connectors, or whose fulfilling is turned off.</param>
/// <param name="Collected">Results of earlier hand-overs read back (order results files).</param>
/// <param name="TimedOut">Orders left transmitted or executed past their timeout, now <c>Error</c>.</param>
public sealed record FulfillmentReport(int Executed, int Transmitted, int Tickets, int Failed, int Retrying, int Skipped, int Collected, int TimedOut)
{
    /// <summary>Serializes the report to indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Options);
}

/// <summary>What one verification did; serializes to stable JSON.</summary>
/// <param name="Verified">Executed orders whose values a synchronization now shows.</param>
/// <param name="Waiting">Executed orders not yet visible in the managed system.</param>
/// <param name="TimedOut">Orders left transmitted or executed past their timeout, now <c>Error</c>.</param>
public sealed record VerificationReport(int Verified, int Waiting, int TimedOut)
{
    /// <summary>Serializes the report to indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Options);
}

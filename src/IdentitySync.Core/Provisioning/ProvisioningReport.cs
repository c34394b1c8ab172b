using System.Text.Json;
using IdentitySync.Connections;
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
    public string ToJson() => JsonSerializer.Serialize(this, ProvisioningJsonContext.Reports.ProvisioningReport);
}

/// <summary>What one generation did for one resource type.</summary>
public sealed record ResourceTypeProvisioning
{
    /// <summary>Gets the resource type.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the owners considered.</summary>
    public int Owners { get; init; }

    /// <summary>
    /// Gets the owners whose inputs were compared with their last evaluation: those the change feed reached since
    /// the type's last generation, or every owner when the feed could not be used (the first generation, a full
    /// one, changed rules, a store without a feed, a position older than the feed's retention, rules given as code).
    /// </summary>
    public int Examined { get; init; }

    /// <summary>Gets the owners evaluated; the others had not changed since the last generation.</summary>
    public int Evaluated { get; init; }

    /// <summary>Gets the <c>Added</c> orders.</summary>
    public int Added { get; init; }

    /// <summary>Gets the <c>Modified</c> orders the rules explain.</summary>
    public int Modified { get; init; }

    /// <summary>Gets the <c>Deleted</c> orders.</summary>
    public int Deleted { get; init; }

    /// <summary>Gets the orders for values changed by hand in the managed system, waiting for review.</summary>
    public int NonConforming { get; init; }

    /// <summary>Gets the removals waiting for review: the type may not remove by itself.</summary>
    public int Gaps { get; init; }

    /// <summary>Gets the owners entitled to a resource who lack a resource of a type it depends on.</summary>
    public int WaitingForDependency { get; init; }

    /// <summary>Gets the owners entitled to a resource whom categorization suggested an existing account to: no <c>Added</c> order until the suggestion is reviewed.</summary>
    public int WaitingForReview { get; init; }

    /// <summary>Gets a value indicating whether the orders exceeded a threshold and were not saved.</summary>
    public bool Blocked { get; init; }

    /// <summary>Gets the ended orders moved to the archive before this generation, after the type's <c>ArchiveAfter</c>; 0 in a dry run.</summary>
    public int Archived { get; init; }

    /// <summary>Gets the threshold exceeded, in plain words; <see langword="null"/> when none.</summary>
    public string? Threshold { get; init; }

    /// <summary>Gets the rules that could not be applied, such as a navigation target that does not exist.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>What one fulfilment pass did; serializes to stable JSON.</summary>
public sealed record FulfillmentReport
{
    /// <summary>Gets the orders a connection applied.</summary>
    public int Executed { get; init; }

    /// <summary>Gets the orders handed over to be confirmed later (order files).</summary>
    public int Transmitted { get; init; }

    /// <summary>Gets the orders that became tickets for a person.</summary>
    public int Tickets { get; init; }

    /// <summary>Gets the orders that failed: moved to <see cref="Orders.OrderState.Error"/>.</summary>
    public int Failed { get; init; }

    /// <summary>Gets the orders to be tried again later.</summary>
    public int Retrying { get; init; }

    /// <summary>Gets the orders of deactivated connectors, or whose fulfilling is turned off.</summary>
    public int Skipped { get; init; }

    /// <summary>Gets the results of earlier hand-overs read back (order results files).</summary>
    public int Collected { get; init; }

    /// <summary>Gets the orders left transmitted or executed past their timeout, now <c>Error</c>.</summary>
    public int TimedOut { get; init; }

    /// <summary>Serializes the report to indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ProvisioningJsonContext.Reports.FulfillmentReport);
}

/// <summary>What one verification did; serializes to stable JSON.</summary>
public sealed record VerificationReport
{
    /// <summary>Gets the executed orders whose values a synchronization now shows.</summary>
    public int Verified { get; init; }

    /// <summary>Gets the executed orders not yet visible in the managed system.</summary>
    public int Waiting { get; init; }

    /// <summary>Gets the orders left transmitted or executed past their timeout, now <c>Error</c>.</summary>
    public int TimedOut { get; init; }

    /// <summary>Serializes the report to indented JSON.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ProvisioningJsonContext.Reports.VerificationReport);
}

namespace IdentitySync.Connections;

/// <summary>What a fulfill connection reports for one order.</summary>
/// <param name="OrderId">The order's id.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Details for people, such as the system's error.</param>
/// <param name="Notes">For repository orders, what ownership policies made the workflow overwrite or skip.</param>
public sealed record FulfillmentResult(long OrderId, FulfillmentStatus Status, string? Message = null, IReadOnlyList<OwnershipNote>? Notes = null);

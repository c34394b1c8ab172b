using IdentitySync.Connections;
using IdentitySync.Orders;

namespace IdentitySync.Provisioning;

/// <summary>
/// Fulfills the orders of repository resource types (identities fed by HR) inside the repository: the
/// default, <see cref="RepositoryWorkflow"/>, creates, updates and ends resources. A host replaces it
/// through dependency injection to route changes through its own approvals, typically wrapping the default.
/// </summary>
public interface IInternalWorkflow
{
    /// <summary>Applies orders of repository resource types.</summary>
    /// <param name="orders">The orders, oldest first.</param>
    /// <param name="cancellationToken">Stops the work; nothing of an unfinished call is applied.</param>
    /// <returns>One result per order; <see cref="FulfillmentStatus.Accepted"/> keeps an order transmitted for a later decision.</returns>
    ValueTask<IReadOnlyList<FulfillmentResult>> ApplyAsync(IReadOnlyList<ProvisioningOrder> orders, CancellationToken cancellationToken);
}

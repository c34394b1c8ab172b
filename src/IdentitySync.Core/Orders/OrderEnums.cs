namespace IdentitySync.Orders;

/// <summary>What an order asks of the managed system.</summary>
public enum OrderChangeType
{
    /// <summary>Create the resource.</summary>
    Added,

    /// <summary>Change some of its values or links.</summary>
    Modified,

    /// <summary>Remove it.</summary>
    Deleted,
}

/// <summary>Why an order exists.</summary>
public enum OrderKind
{
    /// <summary>The rules ask for it: a new entitlement, a changed owner, a value the rules now compute differently.</summary>
    Rule,

    /// <summary>A value in the managed system differs from what the rules compute, and no rule change explains it (a change by hand): approving puts the computed value back, declining keeps the value.</summary>
    NonConforming,

    /// <summary>A resource the rules no longer grant that the type may not remove by itself (removal not allowed, or an owner gone without <c>RemoveOrphans</c>): approving removes it, declining keeps it.</summary>
    Gap,
}

/// <summary>Where an order stands. See docs/provisioning.md for the transitions.</summary>
public enum OrderState
{
    /// <summary>Generated, waiting to be fulfilled.</summary>
    Pending,

    /// <summary>Waiting for a person to approve or decline it.</summary>
    AwaitingApproval,

    /// <summary>Declined on review; never fulfilled, and not generated again while the rules ask the same.</summary>
    Declined,

    /// <summary>Handed to the managed system (a connection, a script, a ticket), not yet confirmed.</summary>
    Transmitted,

    /// <summary>Applied, as the managed system or a person confirmed; waiting for a synchronization to show it.</summary>
    Executed,

    /// <summary>A synchronization shows the expected values in the managed system.</summary>
    Verified,

    /// <summary>
    /// Failed: the managed system or a person reported a failure, retries ran out, or the order was left
    /// transmitted or executed past the resource type's <c>TransmittedTimeout</c>. Its message says which;
    /// a person looks at it, and the next generation asks again.
    /// </summary>
    Error,
}

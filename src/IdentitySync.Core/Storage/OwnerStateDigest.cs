namespace IdentitySync.Storage;

/// <summary>
/// The digest of the inputs an owner's last evaluation read for one resource type: all a generation needs to
/// skip an owner whose inputs did not change, without reading its computed values and links.
/// </summary>
/// <param name="OwnerId">The owner's resource id.</param>
/// <param name="InputDigest">The digest, as <see cref="Orders.OwnerProvisioningState.InputDigest"/> holds it.</param>
public readonly record struct OwnerStateDigest(long OwnerId, ulong InputDigest);

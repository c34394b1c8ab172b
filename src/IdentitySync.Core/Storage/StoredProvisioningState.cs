using System.Data.Common;
using System.Text;
using System.Text.Json;
using IdentitySync.Orders;

namespace IdentitySync.Storage;

/// <summary>
/// An owner's provisioning state as a store keeps it: what a generation reads for every owner (the input digest)
/// and the entitlement as columns, and only what it reads for the owners it evaluates again (the computed values
/// and links) as a JSON <see cref="Body"/>. A generation that skips an unchanged owner never reads its body.
/// </summary>
public sealed record StoredProvisioningState
{
    /// <summary>The columns <see cref="Read"/> takes, in its order, as a store names them in SQL.</summary>
    public const string Columns = "resource_type, owner_id, input_digest, entitled, body";

    /// <summary>Gets the resource type.</summary>
    public required string ResourceType { get; init; }

    /// <summary>Gets the owner's resource id.</summary>
    public required long OwnerId { get; init; }

    /// <summary>
    /// Gets the digest of the inputs the last evaluation read, as a signed 64-bit number (the bits of
    /// <see cref="OwnerProvisioningState.InputDigest"/>), so that an SQL <c>bigint</c> holds it.
    /// </summary>
    public required long InputDigest { get; init; }

    /// <summary>Gets a value indicating whether the type rules granted the resource.</summary>
    public required bool Entitled { get; init; }

    /// <summary>Gets the computed values and links as UTF-8 JSON.</summary>
    public required byte[] Body { get; init; }

    /// <summary>Splits a provisioning state into its columns and its body.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The stored form.</returns>
    public static StoredProvisioningState Of(OwnerProvisioningState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new StoredProvisioningState
        {
            ResourceType = state.ResourceType,
            OwnerId = state.OwnerId,
            InputDigest = unchecked((long)state.InputDigest),
            Entitled = state.Entitled,
            // A state a generation built is kept as its body already (decision 98).
            Body = state.Body ?? OwnerProvisioningState.Pack(state.Values, state.Links),
        };
    }

    /// <summary>Puts the state together again.</summary>
    /// <returns>The state, equal in its values to the one stored.</returns>
    /// <exception cref="JsonException">The body is not a provisioning state's body.</exception>
    public OwnerProvisioningState ToState()
    {
        var (values, links) = OwnerProvisioningState.Unpack(Body, OwnerId, ResourceType);
        return new OwnerProvisioningState(ResourceType, OwnerId, unchecked((ulong)InputDigest), Entitled, values, links);
    }

    /// <summary>Reads a stored state from a row of <see cref="Columns"/>: the flag as a boolean or a number, the body as bytes or JSON text.</summary>
    /// <param name="reader">A reader on a row that starts with <see cref="Columns"/>.</param>
    /// <returns>The stored state.</returns>
    public static StoredProvisioningState Read(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new StoredProvisioningState
        {
            ResourceType = reader.GetString(0),
            OwnerId = reader.GetInt64(1),
            InputDigest = reader.GetInt64(2),
            Entitled = Convert.ToBoolean(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
            Body = reader.GetValue(4) is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(reader.GetString(4)),
        };
    }
}

namespace IdentitySync.Model;

/// <summary>Defaults shared by a connector's configuration and its model.</summary>
internal static class ConnectorDefaults
{
    /// <summary>The longest value a field may hold by default: 1 Mi characters.</summary>
    public const int MaxValueLength = 1 << 20;
}

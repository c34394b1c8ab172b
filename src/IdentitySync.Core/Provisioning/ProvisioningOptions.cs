using IdentitySync.Orders;

namespace IdentitySync.Provisioning;

/// <summary>Host settings of the provisioning engine.</summary>
public sealed class ProvisioningEngineOptions
{
    /// <summary>Gets or sets the directory relative paths in connection settings are resolved against.</summary>
    /// <value>The default value is the process's current directory.</value>
    public string BaseDirectory { get; set; } = Environment.CurrentDirectory;

    /// <summary>Gets or sets how many times a fulfill connection is given an order whose outcome can be retried (not attempted, outcome unknown) before it is <see cref="OrderState.Error"/>.</summary>
    /// <value>The default value is 3.</value>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the wait before the first retry; each further retry waits twice as long.</summary>
    /// <value>The default value is one minute.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>How one order generation runs.</summary>
public sealed record ProvisioningRunOptions
{
    /// <summary>Gets a value indicating whether provisioning thresholds are ignored (after a person checked a blocked generation).</summary>
    public bool Force { get; init; }

    /// <summary>Gets a value indicating whether orders are computed and reported but nothing is saved.</summary>
    public bool DryRun { get; init; }

    /// <summary>Gets a value indicating whether every owner is evaluated, not only those whose data changed since the last generation.</summary>
    public bool Full { get; init; }

    /// <summary>Gets the resource types to generate orders for; every type when <see langword="null"/>.</summary>
    public IReadOnlyList<string>? ResourceTypes { get; init; }
}

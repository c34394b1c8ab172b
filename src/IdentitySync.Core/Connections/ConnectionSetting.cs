namespace IdentitySync.Connections;

/// <summary>Describes one setting a connection package reads.</summary>
public sealed record ConnectionSetting
{
    /// <summary>Initializes a new instance of the <see cref="ConnectionSetting"/> class.</summary>
    /// <param name="name">The setting's name (case-insensitive).</param>
    /// <param name="description">What it means and what is allowed.</param>
    /// <param name="isRequired">Whether a connection must give it.</param>
    /// <param name="isSecret">Whether its value must never reach logs or reports.</param>
    public ConnectionSetting(string name, string description, bool isRequired = false, bool isSecret = false)
    {
        Name = name;
        Description = description;
        IsRequired = isRequired;
        IsSecret = isSecret;
    }

    /// <summary>Gets the setting's name.</summary>
    public string Name { get; }

    /// <summary>Gets what it means and what is allowed.</summary>
    public string Description { get; }

    /// <summary>Gets a value indicating whether a connection must give it.</summary>
    public bool IsRequired { get; }

    /// <summary>Gets a value indicating whether its value must never reach logs or reports.</summary>
    public bool IsSecret { get; }
}

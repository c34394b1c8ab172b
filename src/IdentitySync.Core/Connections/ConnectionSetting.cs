using System.Globalization;

namespace IdentitySync.Connections;

/// <summary>Describes one setting a connection package reads: its type, default and flags, checked before any run.</summary>
public sealed record ConnectionSetting
{
    /// <summary>Initializes a new instance of the <see cref="ConnectionSetting"/> class.</summary>
    /// <param name="name">The setting's name (case-insensitive).</param>
    /// <param name="description">What it means and what is allowed.</param>
    /// <param name="isRequired">Whether a connection must give it.</param>
    /// <param name="isSecret">Whether its value must never reach logs or reports.</param>
    /// <param name="type">What its value must be; checked by <see cref="Check"/>.</param>
    /// <param name="defaultValue">The value used when a connection does not give it, as text; for help.</param>
    /// <param name="choices">The values allowed, for <see cref="ConnectionSettingType.Choice"/> (compared without case).</param>
    public ConnectionSetting(string name, string description, bool isRequired = false, bool isSecret = false, ConnectionSettingType type = ConnectionSettingType.Text, string? defaultValue = null, IReadOnlyList<string>? choices = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (type == ConnectionSettingType.Choice && (choices is null || choices.Count == 0))
        {
            throw new ArgumentException($"Setting '{name}' is a choice: give the values allowed.", nameof(choices));
        }

        Name = name;
        Description = description;
        IsRequired = isRequired;
        IsSecret = isSecret;
        Type = type;
        DefaultValue = defaultValue;
        Choices = choices ?? [];
    }

    /// <summary>Gets the setting's name.</summary>
    public string Name { get; }

    /// <summary>Gets what it means and what is allowed.</summary>
    public string Description { get; }

    /// <summary>Gets a value indicating whether a connection must give it.</summary>
    public bool IsRequired { get; }

    /// <summary>Gets a value indicating whether its value must never reach logs or reports.</summary>
    public bool IsSecret { get; }

    /// <summary>Gets what its value must be.</summary>
    public ConnectionSettingType Type { get; }

    /// <summary>Gets the value used when a connection does not give it, as text; <see langword="null"/> when none.</summary>
    public string? DefaultValue { get; }

    /// <summary>Gets the values allowed for a <see cref="ConnectionSettingType.Choice"/>.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>Checks a value against the setting's type.</summary>
    /// <param name="value">The value, as the configuration gives it.</param>
    /// <returns>What is wrong, starting with the setting's name (a secret's value is never repeated); <see langword="null"/> when the value is allowed.</returns>
    public string? Check(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return IsRequired ? $"{Name}: required; {Description}" : null;
        }

        var shown = IsSecret ? "the value" : $"'{value}'";
        return Type switch
        {
            ConnectionSettingType.WholeNumber when !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => $"{Name}: {shown} is not a whole number",
            ConnectionSettingType.Boolean when !bool.TryParse(value, out _) => $"{Name}: {shown} is not true or false",
            ConnectionSettingType.Character when value.Length != 1 && value is not ("\\t" or "tab" or "TAB") => $"{Name}: {shown} is not one character",
            ConnectionSettingType.Choice when !Choices.Contains(value, StringComparer.OrdinalIgnoreCase) => $"{Name}: {shown} is not one of {string.Join(", ", Choices)}",
            _ => null,
        };
    }

    /// <summary>
    /// Checks a connection's settings: the package's own check (<see cref="IConnectionPackage.ValidateSettings"/>),
    /// then what the package declares (required, typed) for the settings its own check said nothing about, so
    /// that a package that checks less is still held to its declarations, and no problem is reported twice. A
    /// declared name with a placeholder, such as <c>&lt;table&gt;.BaseDn</c>, names a family the package checks itself.
    /// </summary>
    /// <param name="package">The connection's package.</param>
    /// <param name="connection">The connection.</param>
    /// <returns>The problems, each as <c>Setting: message</c>.</returns>
    public static IReadOnlyList<string> Validate(IConnectionPackage package, Model.Connection connection)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(connection);
        var problems = package.ValidateSettings(connection).ToList();
        var reported = problems.Select(static p => p.Split(':', 2)[0].Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // A name with a placeholder (<table>.BaseDn) describes a family of settings the package checks itself.
        foreach (var setting in package.Settings.Where(s => !reported.Contains(s.Name) && !s.Name.Contains('<', StringComparison.Ordinal)))
        {
            if (setting.Check(connection.Settings.GetValueOrDefault(setting.Name)) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }
}

/// <summary>What a connection setting's value must be.</summary>
public enum ConnectionSettingType
{
    /// <summary>Any text (the default).</summary>
    Text,

    /// <summary>A whole number.</summary>
    WholeNumber,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>One character (<c>\t</c> or <c>tab</c> for a tab).</summary>
    Character,

    /// <summary>One of <see cref="ConnectionSetting.Choices"/>.</summary>
    Choice,

    /// <summary>A file or folder path, relative to the base directory or absolute.</summary>
    Path,
}

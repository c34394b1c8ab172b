using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using IdentitySync.Model;

namespace IdentitySync.Connections;

/// <summary>
/// Masks secrets (passwords, tokens, connection strings with credentials) wherever a message repeats them,
/// as <see cref="Mask"/>. The engines pass every message they report, log or store through one, built from
/// the settings each connection package marks secret (<see cref="ConnectionSetting.IsSecret"/>), so a
/// package that puts its password in an exception's message cannot leak it into a report, a job run or an
/// order.
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced by.</summary>
    public const string Mask = "***";

    private readonly string[] _secrets;

    /// <summary>Initializes a new instance of the <see cref="SecretRedactor"/> class.</summary>
    /// <param name="secrets">
    /// The secret values. A value that reads as a connection string (<c>Host=db;Password=…</c>) also makes its
    /// password a secret on its own. Empty values are ignored.
    /// </param>
    public SecretRedactor(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            all.Add(secret);
            if (PasswordOf(secret) is { Length: > 0 } password)
            {
                all.Add(password);
            }
        }

        // Longest first, so that a secret containing another is masked whole.
        _secrets = [.. all.OrderByDescending(static s => s.Length).ThenBy(static s => s, StringComparer.Ordinal)];
    }

    /// <summary>Gets a redactor that masks nothing.</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>Gets the number of distinct secret values masked.</summary>
    public int Count => _secrets.Length;

    /// <summary>Creates the redactor of a model: the value of every setting its connection's package marks secret.</summary>
    /// <param name="model">The model, whose connections hold the settings.</param>
    /// <param name="packages">The connection packages, which say which settings are secret.</param>
    /// <param name="more">Other secrets to mask, such as a store's password.</param>
    /// <returns>The redactor.</returns>
    public static SecretRedactor For(IdentityModel model, IEnumerable<IConnectionPackage> packages, IEnumerable<string?>? more = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(packages);
        var byId = new Dictionary<string, IConnectionPackage>(StringComparer.OrdinalIgnoreCase);
        foreach (var package in packages)
        {
            byId.TryAdd(package.Id, package);
        }

        var secrets = new List<string?>(more ?? []);
        foreach (var connection in model.Connectors.SelectMany(static c => c.Connections))
        {
            if (!byId.TryGetValue(connection.Package, out var package))
            {
                continue;
            }

            foreach (var setting in package.Settings.Where(static s => s.IsSecret))
            {
                secrets.Add(connection.Settings.GetValueOrDefault(setting.Name));
            }
        }

        return new SecretRedactor(secrets);
    }

    /// <summary>Returns a redactor that also masks other secrets.</summary>
    /// <param name="more">The other secrets.</param>
    /// <returns>The redactor.</returns>
    public SecretRedactor With(IEnumerable<string?> more) => new(_secrets.Concat(more ?? []));

    /// <summary>Masks every secret the text holds.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text with each secret replaced by <see cref="Mask"/>; <see langword="null"/> for <see langword="null"/>.</returns>
    [return: NotNullIfNotNull(nameof(text))]
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static string? PasswordOf(string value)
    {
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = value };
            foreach (var key in new[] { "Password", "Pwd" })
            {
                if (builder.TryGetValue(key, out var password) && password is string text)
                {
                    return text;
                }
            }
        }
        catch (ArgumentException)
        {
            // Not a connection string: the value is masked whole, which is enough.
        }

        return null;
    }
}

namespace IdentitySync.Model;

/// <summary>How the text of a source column becomes a typed value.</summary>
public enum ValueFormatKind
{
    /// <summary>
    /// The type's default: text as is; invariant numbers; <c>true/false/1/0/yes/no</c> in any case;
    /// ISO 8601 dates; any standard GUID form; base64 binary.
    /// </summary>
    Default,

    /// <summary>A custom .NET date pattern such as <c>dd/MM/yyyy</c> (configured as <c>pattern:dd/MM/yyyy</c>); DateTime only.</summary>
    DatePattern,

    /// <summary>LDAP GeneralizedTime such as <c>20240131120000.0Z</c>; DateTime only.</summary>
    GeneralizedTime,

    /// <summary>A Windows FILETIME: 100-nanosecond ticks since 1601-01-01 UTC, as in <c>lastLogonTimestamp</c>; DateTime only.</summary>
    FileTime,

    /// <summary>Custom true and false words (configured as <c>bool:Y|N</c>), compared ignoring case; Bool only.</summary>
    BoolWords,

    /// <summary>A base64 binary security identifier turned into its <c>S-1-5-…</c> text; String only.</summary>
    Sid,

    /// <summary>The base64 of an Active Directory <c>objectGUID</c> (16 bytes, little-endian fields); Guid only.</summary>
    ObjectGuid,

    /// <summary>Hexadecimal digits; Binary only.</summary>
    Hex,

    /// <summary>
    /// An LDAP distinguished name (RFC 4514), stored in one spelling: attribute types in lower case, values
    /// escaped the minimal way (<c>\2C</c> becomes <c>\,</c>), no spaces around separators; keys with this
    /// format compare without case. Text that is not a DN is quarantined. String only.
    /// </summary>
    DistinguishedName,
}

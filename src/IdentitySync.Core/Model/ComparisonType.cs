namespace IdentitySync.Model;

/// <summary>How a computed value is compared with the value the managed system holds.</summary>
public enum ComparisonType
{
    /// <summary>Equal text only.</summary>
    CaseSensitive,

    /// <summary>Equal text, ignoring case.</summary>
    IgnoreCase,

    /// <summary>Equal text, ignoring case and diacritics (<c>Zoë</c> equals <c>zoe</c>).</summary>
    IgnoreDiacritics,

    /// <summary>Equal letters and digits, ignoring case, diacritics, spaces and punctuation (<c>O'Brien-Smith</c> equals <c>obriensmith</c>).</summary>
    Simplified,

    /// <summary>
    /// Equal distinguished names as a directory compares them: attribute types and values without case,
    /// equivalent escapes equal (<c>\,</c> and <c>\2C</c>), spaces around separators ignored. Texts that are not
    /// DNs compare ignoring case.
    /// </summary>
    DistinguishedName,
}

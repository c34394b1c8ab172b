namespace IdentitySync.Model;

/// <summary>What an empty field of a single-valued text property is stored as.</summary>
/// <remarks>
/// Other types have no empty value: an empty number, date or flag is always no value, and an empty
/// multi-valued field is no values. A primary key is never empty (the row is quarantined).
/// </remarks>
public enum EmptyFields
{
    /// <summary>No value (null), as if the column were absent: the default.</summary>
    NoValue,

    /// <summary>An empty string, distinct from no value (for systems where the two mean different things).</summary>
    EmptyString,
}

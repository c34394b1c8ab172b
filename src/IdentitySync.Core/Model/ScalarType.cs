namespace IdentitySync.Model;

/// <summary>The type of a scalar property's values.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The domain names scalar types after the CLR types they hold.")]
public enum ScalarType
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A 32-bit signed integer.</summary>
    Int32,

    /// <summary>A 64-bit signed integer.</summary>
    Int64,

    /// <summary>A boolean.</summary>
    Bool,

    /// <summary>A point in time, stored in UTC.</summary>
    DateTime,

    /// <summary>A globally unique identifier.</summary>
    Guid,

    /// <summary>A double-precision floating-point number.</summary>
    Double,

    /// <summary>A byte sequence.</summary>
    Binary,
}

namespace IdentitySync.Synchronization;

/// <summary>Compares typed values, arrays (binary and multi-valued) by their items.</summary>
internal static class ValueComparer
{
    public static new bool Equals(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (byte[] l, byte[] r) => l.AsSpan().SequenceEqual(r),
        (object[] l, object[] r) => l.Length == r.Length && l.Zip(r).All(static p => Equals(p.First, p.Second)),
        _ => left.Equals(right),
    };
}

namespace IdentitySync.Storage.Sqlite;

/// <summary>Makes a resource's values from its packed bytes, read in place from the row (the span is valid only during the call).</summary>
/// <param name="packed">The packed bytes.</param>
/// <returns>The values.</returns>
internal delegate IReadOnlyList<object?> PackedValuesDecoder(ReadOnlySpan<byte> packed);

namespace IdentitySync.ChangeSets;

/// <summary>
/// Links whose ends are numbered: each end is an ordinal into a list of keys that every chunk of the same change
/// set's association shares (the same list instances, which do not change while the change set is written). A store
/// writer may resolve each distinct key to its id once and read the links' ends as ordinals, instead of looking up
/// two keys per link; read as a list of <see cref="LinkChange"/>, the links are the same.
/// </summary>
/// <remarks>
/// The engine hands a writer its links in this form when it has them (a complete synchronization does); a writer
/// that does not look for it reads <see cref="LinkChange"/> values as before. Decision 99.
/// </remarks>
public interface INumberedLinks : IReadOnlyList<LinkChange>
{
    /// <summary>Gets the first side's keys by ordinal: the same instance for every chunk of the change set's association.</summary>
    IReadOnlyList<string> FirstKeys { get; }

    /// <summary>Gets the second side's keys by ordinal: the same instance for every chunk of the change set's association.</summary>
    IReadOnlyList<string> SecondKeys { get; }

    /// <summary>Gets the ordinal, in <see cref="FirstKeys"/>, of a link's first side.</summary>
    /// <param name="index">The link's index in this list.</param>
    /// <returns>The ordinal.</returns>
    int FirstOrdinal(int index);

    /// <summary>Gets the ordinal, in <see cref="SecondKeys"/>, of a link's second side.</summary>
    /// <param name="index">The link's index in this list.</param>
    /// <returns>The ordinal.</returns>
    int SecondOrdinal(int index);
}

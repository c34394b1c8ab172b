using IdentitySync.ChangeSets;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>Links as ordinal pairs over key lists shared by every chunk, as the engine hands a complete load's links (<see cref="INumberedLinks"/>).</summary>
/// <param name="firstKeys">The first side's keys by ordinal.</param>
/// <param name="secondKeys">The second side's keys by ordinal.</param>
/// <param name="pairs">Each link's two ordinals.</param>
internal sealed class NumberedLinks(IReadOnlyList<string> firstKeys, IReadOnlyList<string> secondKeys, params (int First, int Second)[] pairs) : INumberedLinks
{
    public IReadOnlyList<string> FirstKeys => firstKeys;

    public IReadOnlyList<string> SecondKeys => secondKeys;

    public int Count => pairs.Length;

    public LinkChange this[int index] => new(firstKeys[pairs[index].First], secondKeys[pairs[index].Second]);

    public int FirstOrdinal(int index) => pairs[index].First;

    public int SecondOrdinal(int index) => pairs[index].Second;

    public IEnumerator<LinkChange> GetEnumerator() => Enumerable.Range(0, Count).Select(i => this[i]).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

namespace IdentitySync.Internal;

/// <summary>
/// Maps stored resource ids to key ordinals. Store ids are row numbers, nearly dense: when they are,
/// the map is an array indexed by id (a lookup per stored link is then one read); otherwise a dictionary.
/// </summary>
internal sealed class IdOrdinalMap
{
    private readonly List<(long Id, int Ordinal)> _added = [];
    private int[]? _dense;
    private Dictionary<long, int>? _sparse;

    /// <summary>Records an id's ordinal; call <see cref="Seal"/> once every id is added.</summary>
    public void Add(long id, int ordinal) => _added.Add((id, ordinal));

    /// <summary>Builds the lookup from what was added.</summary>
    public IdOrdinalMap Seal()
    {
        var max = _added.Count == 0 ? 0 : _added.Max(static a => a.Id);
        var min = _added.Count == 0 ? 0 : _added.Min(static a => a.Id);
        if (min >= 0 && max <= (4L * _added.Count) + 1024)
        {
            _dense = new int[max + 1];
            Array.Fill(_dense, -1);
            foreach (var (id, ordinal) in _added)
            {
                _dense[id] = ordinal;
            }
        }
        else
        {
            _sparse = new Dictionary<long, int>(_added.Count);
            foreach (var (id, ordinal) in _added)
            {
                _sparse[id] = ordinal;
            }
        }

        _added.Clear();
        _added.Capacity = 0;
        return this;
    }

    /// <summary>Gets whether the ids were dense enough for an array.</summary>
    public bool IsDense => _dense is not null;

    /// <summary>Finds the ordinal of an id.</summary>
    public bool TryGetValue(long id, out int ordinal)
    {
        if (_dense is { } dense)
        {
            ordinal = (ulong)id < (ulong)dense.Length ? dense[id] : -1;
            return ordinal >= 0;
        }

        return _sparse!.TryGetValue(id, out ordinal);
    }
}

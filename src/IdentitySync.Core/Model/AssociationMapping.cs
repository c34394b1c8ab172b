namespace IdentitySync.Model;

/// <summary>Binds an association to a table with two columns, one per side.</summary>
public sealed record AssociationMapping
{
    internal AssociationMapping(string association, string connection, string table, AssociationMappingEnd first, AssociationMappingEnd second, LinkThresholds thresholds)
    {
        Association = association;
        Connection = connection;
        Table = table;
        First = first;
        Second = second;
        Thresholds = thresholds;
    }

    /// <summary>Gets the name of the mapped association; it also names the mapping.</summary>
    public string Association { get; }

    /// <summary>Gets the name of the connection that exports the table.</summary>
    public string Connection { get; }

    /// <summary>Gets the connection table.</summary>
    public string Table { get; }

    /// <summary>Gets the column of the association's first side.</summary>
    public AssociationMappingEnd First { get; }

    /// <summary>Gets the column of the association's second side.</summary>
    public AssociationMappingEnd Second { get; }

    /// <summary>Gets the thresholds of this mapping's scope (off by default).</summary>
    public LinkThresholds Thresholds { get; }
}

using System.DirectoryServices.Protocols;

namespace IdentitySync.Connections.Ldap;

/// <summary>One search, one page at a time: what a table reader asks of a directory.</summary>
/// <param name="BaseDn">The search base.</param>
/// <param name="Filter">The filter.</param>
/// <param name="Scope">The scope.</param>
/// <param name="Attributes">The attributes to return.</param>
/// <param name="PageSize">Entries per page (RFC 2696); 0 for an unpaged search.</param>
/// <param name="ShowDeleted">Whether Active Directory shows tombstones (LDAP_SERVER_SHOW_DELETED_OID, MS-ADTS 3.1.1.3.4.1.14).</param>
internal sealed record LdapSearch(string BaseDn, string Filter, SearchScope Scope, IReadOnlyList<string> Attributes, int PageSize = 0, bool ShowDeleted = false);

/// <summary>The entries of one page and the cookie that asks for the next (none after the last).</summary>
internal sealed record LdapPage(List<LdapEntry> Entries, byte[]? Cookie);

/// <summary>The directory a table reader searches: the bound session, or in tests, recorded answers.</summary>
internal interface ILdapDirectory
{
    /// <summary>Gets the server, for messages.</summary>
    Uri Server { get; }

    /// <summary>Runs one page of a search.</summary>
    /// <exception cref="DirectoryOperationException">The server refused the search.</exception>
    /// <exception cref="LdapException">The connection failed.</exception>
    Task<LdapPage> SearchAsync(LdapSearch search, byte[]? cookie, CancellationToken cancellationToken);
}

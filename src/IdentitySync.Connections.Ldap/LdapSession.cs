using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;

namespace IdentitySync.Connections.Ldap;

/// <summary>
/// One bound connection to the first server of the list that answers, with requests sent off the
/// caller's thread. Failures become <see cref="ConnectionException"/>s that name the server and never
/// carry the password.
/// </summary>
internal sealed class LdapSession : ILdapDirectory, IDisposable
{
    private readonly LdapConnection _connection;
    private readonly TimeSpan _timeout;

    private LdapSession(LdapConnection connection, Uri server, TimeSpan timeout)
    {
        _connection = connection;
        Server = server;
        _timeout = timeout;
    }

    private LdapSchema? _schema;

    /// <summary>Gets the server the session is bound to.</summary>
    public Uri Server { get; }

    /// <summary>Reads the server's schema once per session.</summary>
    public async Task<LdapSchema> GetSchemaAsync(CancellationToken cancellationToken) =>
        _schema ??= await LdapSchema.ReadAsync(this, cancellationToken).ConfigureAwait(false);

    /// <summary>Connects and binds to the first server that answers.</summary>
    public static async Task<LdapSession> OpenAsync(LdapConnectionSettings settings, string connectionName, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var server in settings.Servers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LdapConnection? connection = null;
            try
            {
                connection = await Task.Run(() => Bind(settings, server), cancellationToken).ConfigureAwait(false);
                return new LdapSession(connection, server, settings.Timeout);
            }
            catch (LdapException exception) when (exception.ErrorCode == 49)
            {
                connection?.Dispose();
                throw new ConnectionException(
                    $"Connection '{connectionName}': {server} refused the credentials of '{settings.BindDn}' (invalid credentials); check the bind DN and the password", exception)
                { Kind = FailureKind.AuthenticationFailed };
            }
            catch (Exception exception) when (exception is LdapException or DirectoryOperationException)
            {
                connection?.Dispose();
                failures.Add($"{server}: {Describe(exception, settings)}");
            }
        }

        throw new ConnectionException(
            $"Connection '{connectionName}': no server answered ({string.Join("; ", failures)})") { Kind = FailureKind.SystemUnavailable };
    }

    /// <summary>Sends a request and waits for its response.</summary>
    /// <exception cref="DirectoryOperationException">The server answered with an error.</exception>
    /// <exception cref="LdapException">The connection failed.</exception>
    public async Task<TResponse> SendAsync<TResponse>(DirectoryRequest request, CancellationToken cancellationToken)
        where TResponse : DirectoryResponse
    {
        cancellationToken.ThrowIfCancellationRequested();
        var response = await Task.Run(() => _connection.SendRequest(request, _timeout), cancellationToken).ConfigureAwait(false);
        return (TResponse)response;
    }

    /// <summary>Runs one page of a search, decoding its entries on the pool thread that received them.</summary>
    public async Task<LdapPage> SearchAsync(LdapSearch search, byte[]? cookie, CancellationToken cancellationToken)
    {
        var request = new SearchRequest(search.BaseDn, search.Filter, search.Scope, [.. search.Attributes]);
        if (search.PageSize > 0)
        {
            var paging = new PageResultRequestControl(search.PageSize) { IsCritical = true };
            if (cookie is not null)
            {
                paging.Cookie = cookie;
            }

            request.Controls.Add(paging);
        }

        if (search.ShowDeleted)
        {
            request.Controls.Add(new ShowDeletedControl { IsCritical = true });
        }

        var response = await SendAsync<SearchResponse>(request, cancellationToken).ConfigureAwait(false);
        var entries = new List<LdapEntry>(response.Entries.Count);
        foreach (SearchResultEntry entry in response.Entries)
        {
            entries.Add(LdapEntry.From(entry));
        }

        return new LdapPage(entries, response.Controls.OfType<PageResultResponseControl>().FirstOrDefault()?.Cookie);
    }

    /// <summary>Gets whether trying again later may succeed: the server is down, refused the connection, is busy or timed out.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        LdapException ldap => ldap.ErrorCode is 81 or 91 or -1 or 52 or 85,
        DirectoryOperationException { Response.ResultCode: ResultCode.Busy or ResultCode.Unavailable } => true,
        _ => false,
    };

    /// <summary>Says what failed in words, without the password.</summary>
    public static string Describe(Exception exception, LdapConnectionSettings settings)
    {
        var message = exception switch
        {
            DirectoryOperationException { Response: { } response } =>
                string.Create(CultureInfo.InvariantCulture, $"{response.ResultCode}{(string.IsNullOrEmpty(response.ErrorMessage) ? string.Empty : ": " + response.ErrorMessage.Trim())}"),
            LdapException ldap when ldap.ErrorCode is 81 or 91 or -1 or 52 =>
                string.Create(CultureInfo.InvariantCulture, $"the server is unavailable or refused the connection{(settings.Security == LdapSecurity.None ? string.Empty : " (or its certificate is not trusted: see TrustedCertificatesDirectory)")} (LDAP error {ldap.ErrorCode}{Detail(ldap)})"),
            LdapException ldap when ldap.ErrorCode == 85 => "the server did not answer in time (timeout)",
            LdapException ldap => string.Create(CultureInfo.InvariantCulture, $"{ldap.Message.Trim()} (LDAP error {ldap.ErrorCode}{Detail(ldap)})"),
            _ => exception.Message,
        };
        return settings.Password is { Length: > 0 } password ? message.Replace(password, "***", StringComparison.Ordinal) : message;
    }

    public void Dispose() => _connection.Dispose();

    private static string Detail(LdapException exception) =>
        string.IsNullOrWhiteSpace(exception.ServerErrorMessage) ? string.Empty : ": " + exception.ServerErrorMessage.Trim();

    private static LdapConnection Bind(LdapConnectionSettings settings, Uri server)
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier(server.Host, server.Port, fullyQualifiedDnsHostName: false, connectionless: false))
        {
            AuthType = settings.BindDn is null ? AuthType.Anonymous : AuthType.Basic,
            Timeout = settings.Timeout,
        };
        try
        {
            var options = connection.SessionOptions;
            options.ProtocolVersion = 3;
            options.ReferralChasing = settings.FollowReferrals ? ReferralChasingOptions.All : ReferralChasingOptions.None;
            if (settings.Security != LdapSecurity.None)
            {
                if (settings.TrustedCertificatesDirectory is { } directory)
                {
                    if (!Directory.Exists(directory))
                    {
                        throw new LdapException(91, $"the trusted certificates directory '{directory}' does not exist");
                    }

                    if (OperatingSystem.IsWindows())
                    {
                        throw new LdapException(91, "TrustedCertificatesDirectory works on Linux and macOS; on Windows, add the CA to the machine's trusted root certificates");
                    }

                    options.TrustedCertificatesDirectory = directory;
                    options.StartNewTlsSessionContext();
                }

                if (settings.Security == LdapSecurity.Ldaps)
                {
                    options.SecureSocketLayer = true;
                }
                else
                {
                    // On Linux the connection opens with the first operation, and StartTLS needs it open: an
                    // anonymous bind opens it (no credential crosses it; a server that refuses anonymous binds
                    // still leaves it open), then TLS starts, then the real bind runs inside it.
                    connection.AuthType = AuthType.Anonymous;
                    try
                    {
                        connection.Bind();
                    }
                    catch (DirectoryOperationException)
                    {
                    }

                    options.StartTransportLayerSecurity(null);
                    connection.AuthType = settings.BindDn is null ? AuthType.Anonymous : AuthType.Basic;
                }
            }

            if (settings.BindDn is null)
            {
                connection.Bind();
            }
            else
            {
                connection.Bind(new NetworkCredential(settings.BindDn, settings.Password));
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}

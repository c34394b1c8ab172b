namespace IdentitySync.Connections.Ldap;

/// <summary>Reads the tables of one LDAP connection over one bound session, opened at the first table.</summary>
internal sealed class LdapExportConnection(string name, LdapConnectionSettings settings, ConnectionContext context) : IExportConnection
{
    private LdapSession? _session;

    public async ValueTask<IExportTableReader> OpenTableAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!settings.Tables.TryGetValue(request.Table, out var table))
        {
            throw new ConnectionException(
                $"Connection '{name}' of connector '{context.Connector}' has no table '{request.Table}'; configure it with \"{request.Table}.BaseDn\" (tables: {string.Join(", ", settings.Tables.Keys.Order(StringComparer.OrdinalIgnoreCase))})")
            { Kind = FailureKind.InvalidInput };
        }

        _session ??= await LdapSession.OpenAsync(settings, name, cancellationToken).ConfigureAwait(false);
        var schema = await _session.GetSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await LdapTableReader.OpenAsync(_session, settings, table, request, schema, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _session?.Dispose();
        _session = null;
        return ValueTask.CompletedTask;
    }
}

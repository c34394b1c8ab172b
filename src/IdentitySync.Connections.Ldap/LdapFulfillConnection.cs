using System.DirectoryServices.Protocols;
using IdentitySync.Model;
using IdentitySync.Orders;

namespace IdentitySync.Connections.Ldap;

/// <summary>
/// Applies orders to the directory: <c>Added</c> adds an entry, <c>Modified</c> replaces values (and renames
/// or moves the entry when its DN changes), <c>Deleted</c> deletes or moves it, and links are written on
/// the entry that holds them (a group's <c>member</c>, a user's <c>manager</c>), with both DNs.
/// </summary>
internal sealed class LdapFulfillConnection(string name, LdapConnectionSettings settings, ConnectionContext context) : IFulfillConnection
{
    public async ValueTask<IReadOnlyList<FulfillmentResult>> FulfillAsync(IReadOnlyList<FulfillmentRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        using var session = await LdapSession.OpenAsync(settings, name, cancellationToken).ConfigureAwait(false);
        var results = new List<FulfillmentResult>(requests.Count);
        foreach (var request in requests)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                results.Add(await FulfillAsync(session, request, cancellationToken).ConfigureAwait(false));
            }
            catch (DirectoryOperationException exception) when (exception.Response is { } response)
            {
                results.Add(new FulfillmentResult(request.Order.Id, StatusOf(response.ResultCode), LdapSession.Describe(exception, settings)));
            }
            catch (LdapException exception)
            {
                // The connection broke while the order was on its way: whether it applied is unknown, and
                // the orders after it were not tried (no result: they are retried).
                results.Add(new FulfillmentResult(request.Order.Id, FulfillmentStatus.OutcomeUnknown, $"{session.Server}: {LdapSession.Describe(exception, settings)}"));
                break;
            }
            catch (OrderException exception)
            {
                results.Add(new FulfillmentResult(request.Order.Id, exception.Status, exception.Message));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return results;
    }

    private static FulfillmentStatus StatusOf(ResultCode code) => code switch
    {
        ResultCode.Busy or ResultCode.Unavailable or ResultCode.LoopDetect => FulfillmentStatus.NotAttempted,
        ResultCode.TimeLimitExceeded or ResultCode.AdminLimitExceeded => FulfillmentStatus.OutcomeUnknown,
        ResultCode.NoSuchObject => FulfillmentStatus.NotFound,
        ResultCode.EntryAlreadyExists => FulfillmentStatus.AlreadyExists,
        _ => FulfillmentStatus.Failed,
    };

    private async Task<FulfillmentResult> FulfillAsync(LdapSession session, FulfillmentRequest request, CancellationToken cancellationToken)
    {
        var order = request.Order;
        var table = TableOf(request.Table);
        var dnProperty = request.Columns.FirstOrDefault(c => LdapTableSettings.IsDn(table.AttributeOf(c.Value))).Key;
        switch (order.ChangeType)
        {
            case OrderChangeType.Added:
            {
                var dn = (dnProperty is null ? null : Single(order.Changes.GetValueOrDefault(dnProperty)))
                    ?? DnOf(request.Keys)
                    ?? throw new OrderException(FulfillmentStatus.Failed, $"No DN for the new entry: map a property to the column dn of table '{table.Name}' and compute it with a scalar rule");
                var add = AddRequestOf(request, table, dn, dnProperty);
                CheckSchema(await session.GetSchemaAsync(cancellationToken).ConfigureAwait(false), table, add);
                if (table.GeneratePassword)
                {
                    add.Attributes.Add(InitialPassword(table));
                }

                try
                {
                    await session.SendAsync<AddResponse>(add, cancellationToken).ConfigureAwait(false);
                }
                catch (DirectoryOperationException exception) when (exception.Response?.ResultCode == ResultCode.EntryAlreadyExists)
                {
                    await WriteLinksAsync(session, request, dn, cancellationToken).ConfigureAwait(false);
                    return new FulfillmentResult(order.Id, FulfillmentStatus.AlreadyExists, $"{dn} already exists");
                }

                await WriteLinksAsync(session, request, dn, cancellationToken).ConfigureAwait(false);
                return new FulfillmentResult(
                    order.Id,
                    FulfillmentStatus.Succeeded,
                    table.GeneratePassword ? $"added {dn} with a generated initial password (not kept anywhere: reset it to hand it over)" : $"added {dn}");
            }

            case OrderChangeType.Modified:
            {
                var dn = await FindAsync(session, request, table, cancellationToken).ConfigureAwait(false);
                if (dn is null)
                {
                    return new FulfillmentResult(order.Id, FulfillmentStatus.NotFound, $"no entry of table '{table.Name}' has {Describe(request.Keys)}");
                }

                var messages = new List<string>();
                if (dnProperty is not null && order.Changes.TryGetValue(dnProperty, out var newDnValue) && Single(newDnValue) is { } newDn
                    && !DistinguishedName.AreEqual(dn, newDn))
                {
                    await RenameAsync(session, dn, newDn, cancellationToken).ConfigureAwait(false);
                    messages.Add($"renamed {dn} to {newDn}");
                    dn = newDn;
                }

                var modify = new ModifyRequest(dn);
                foreach (var (property, value) in order.Changes)
                {
                    if (property == dnProperty || !request.Columns.TryGetValue(property, out var column))
                    {
                        continue;
                    }

                    var attribute = table.AttributeOf(column);
                    var modification = new DirectoryAttributeModification { Name = attribute, Operation = DirectoryAttributeOperation.Replace };
                    foreach (var item in Values(value))
                    {
                        AddValue(modification, attribute, item);
                    }

                    modify.Modifications.Add(modification);
                }

                if (modify.Modifications.Count > 0)
                {
                    await session.SendAsync<ModifyResponse>(modify, cancellationToken).ConfigureAwait(false);
                    messages.Add($"changed {string.Join(", ", modify.Modifications.Cast<DirectoryAttributeModification>().Select(static m => m.Name))}");
                }

                messages.AddRange(await WriteLinksAsync(session, request, dn, cancellationToken).ConfigureAwait(false));
                return new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, messages.Count == 0 ? $"{dn}: nothing to change" : $"{dn}: {string.Join("; ", messages)}");
            }

            case OrderChangeType.Deleted:
            {
                var dn = await FindAsync(session, request, table, cancellationToken).ConfigureAwait(false);
                if (dn is null)
                {
                    return new FulfillmentResult(order.Id, FulfillmentStatus.NotFound, $"no entry of table '{table.Name}' has {Describe(request.Keys)}");
                }

                if (table.OnDelete == LdapDeleteAction.Move)
                {
                    DistinguishedName.TrySplit(dn, out var relativeName, out _);
                    var target = relativeName + "," + table.MoveTo;
                    await RenameAsync(session, dn, target, cancellationToken).ConfigureAwait(false);
                    return new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, $"moved {dn} to {table.MoveTo}");
                }

                if (table.OnDelete == LdapDeleteAction.Disable)
                {
                    return new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, await DisableAsync(session, table, dn, cancellationToken).ConfigureAwait(false));
                }

                await session.SendAsync<DeleteResponse>(new DeleteRequest(dn), cancellationToken).ConfigureAwait(false);
                return new FulfillmentResult(order.Id, FulfillmentStatus.Succeeded, $"deleted {dn}");
            }

            default:
                throw new OrderException(FulfillmentStatus.Failed, $"'{order.ChangeType}' is not an order the LDAP package applies");
        }
    }

    /// <summary>Sets the table's disable flag (read, OR, write back) or replaces its disable value.</summary>
    private static async Task<string> DisableAsync(LdapSession session, LdapTableSettings table, string dn, CancellationToken cancellationToken)
    {
        var value = table.DisableValue;
        if (value is null)
        {
            var page = await session.SearchAsync(new LdapSearch(dn, "(objectClass=*)", SearchScope.Base, [table.DisableAttribute]), null, cancellationToken).ConfigureAwait(false);
            var current = page.Entries is [var entry] && entry.Values(table.DisableAttribute) is [var bytes] ? System.Text.Encoding.UTF8.GetString(bytes) : "0";
            value = DisabledFlags(current, table.DisableFlag)
                ?? throw new OrderException(FulfillmentStatus.Failed, $"{dn}: {table.DisableAttribute} is '{current}', not a number whose bit {table.DisableFlag} can be set");
        }

        await session.SendAsync<ModifyResponse>(new ModifyRequest(dn, DirectoryAttributeOperation.Replace, table.DisableAttribute, value), cancellationToken).ConfigureAwait(false);
        return $"disabled {dn} ({table.DisableAttribute}: {value})";
    }

    /// <summary>A flags value with one more bit set (userAccountControl is a signed 32-bit number in Active Directory).</summary>
    internal static string? DisabledFlags(string current, long flag) =>
        long.TryParse(current, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var flags)
            ? (flags | flag).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private LdapTableSettings TableOf(string? table) =>
        table is not null && settings.Tables.TryGetValue(table, out var found)
            ? found
            : throw new OrderException(FulfillmentStatus.Failed, $"Connection '{name}' of connector '{context.Connector}' has no table '{table}'; configure \"{table}.BaseDn\"");

    /// <summary>
    /// A random initial password that lives only in this request: 24 characters from four classes, as
    /// Active Directory's complexity rule wants; over TLS only. <c>unicodePwd</c> takes it quoted, in UTF-16LE
    /// (MS-ADTS 3.1.1.3.1.5.1).
    /// </summary>
    private DirectoryAttribute InitialPassword(LdapTableSettings table)
    {
        if (settings.Security == LdapSecurity.None)
        {
            throw new OrderException(FulfillmentStatus.Failed, $"Table '{table.Name}': an initial password is only sent over TLS; set Security to Ldaps or StartTls");
        }

        const string Classes = "ABCDEFGHJKLMNPQRSTUVWXYZ|abcdefghijkmnopqrstuvwxyz|23456789|!#%+-=?@_";
        var sets = Classes.Split('|');
        var all = string.Concat(sets);
        var characters = sets.Select(static set => set[System.Security.Cryptography.RandomNumberGenerator.GetInt32(set.Length)])
            .Concat(Enumerable.Range(0, 20).Select(_ => all[System.Security.Cryptography.RandomNumberGenerator.GetInt32(all.Length)]))
            .ToArray();
        System.Security.Cryptography.RandomNumberGenerator.Shuffle(characters.AsSpan());
        var password = new string(characters);
        return string.Equals(table.PasswordAttribute, "unicodePwd", StringComparison.OrdinalIgnoreCase)
            ? new DirectoryAttribute("unicodePwd", System.Text.Encoding.Unicode.GetBytes("\"" + password + "\""))
            : new DirectoryAttribute("userPassword", password);
    }

    /// <summary>Refuses an add the schema would refuse, with a message that says which rule to add.</summary>
    private static void CheckSchema(LdapSchema schema, LdapTableSettings table, AddRequest add)
    {
        if (table.ObjectClasses.FirstOrDefault(c => !schema.DefinesClass(c)) is { } unknown)
        {
            throw new OrderException(FulfillmentStatus.Failed, $"Table '{table.Name}': the object class '{unknown}' of ObjectClasses is not in the directory's schema");
        }

        var attributes = add.Attributes.Cast<DirectoryAttribute>().Select(static a => a.Name);
        if (schema.MissingMandatory(table.ObjectClasses, attributes) is { Count: > 0 } missing)
        {
            throw new OrderException(
                FulfillmentStatus.Failed,
                $"{add.DistinguishedName}: lacks the mandatory attribute{(missing.Count == 1 ? string.Empty : "s")} {string.Join(", ", missing.Select(static m => $"{m.Attribute} (of {m.ObjectClass})"))}; map a property to each and compute it with a scalar rule");
        }
    }

    private AddRequest AddRequestOf(FulfillmentRequest request, LdapTableSettings table, string dn, string? dnProperty)
    {
        if (table.ObjectClasses.Count == 0)
        {
            throw new OrderException(FulfillmentStatus.Failed, $"Table '{table.Name}' has no ObjectClasses: set \"{table.Name}.ObjectClasses\" to create its entries");
        }

        if (!DistinguishedName.TryParse(dn, out var names, out var error) || names.Count == 0)
        {
            throw new OrderException(FulfillmentStatus.Failed, error ?? $"'{dn}' is not a distinguished name");
        }

        var attributes = new Dictionary<string, DirectoryAttribute>(StringComparer.OrdinalIgnoreCase)
        {
            ["objectClass"] = new DirectoryAttribute("objectClass", [.. table.ObjectClasses]),
        };
        foreach (var (property, value) in request.Order.Changes)
        {
            if (property == dnProperty || !request.Columns.TryGetValue(property, out var column) || LdapTableSettings.IsDn(table.AttributeOf(column)))
            {
                continue;
            }

            var attribute = table.AttributeOf(column);
            var directoryAttribute = new DirectoryAttribute { Name = attribute };
            foreach (var item in Values(value))
            {
                AddValue(directoryAttribute, attribute, item);
            }

            if (directoryAttribute.Count > 0)
            {
                attributes[attribute] = directoryAttribute;
            }
        }

        // The naming attribute's value must be in the entry (RFC 4512 section 2.3.1).
        foreach (var (type, value) in names[0])
        {
            if (!attributes.ContainsKey(type))
            {
                attributes[type] = new DirectoryAttribute(type, value);
            }
        }

        return new AddRequest(dn, [.. attributes.Values]);
    }

    private void AddValue(DirectoryAttribute attribute, string name, string value)
    {
        if (settings.IsBinary(name))
        {
            try
            {
                attribute.Add(Convert.FromBase64String(value));
            }
            catch (FormatException)
            {
                throw new OrderException(FulfillmentStatus.Failed, $"{name}: '{value}' is not Base64, as a binary attribute's value must be");
            }
        }
        else
        {
            attribute.Add(value);
        }
    }

    private static async Task RenameAsync(LdapSession session, string dn, string newDn, CancellationToken cancellationToken)
    {
        if (!DistinguishedName.TrySplit(newDn, out var relativeName, out var parent))
        {
            throw new OrderException(FulfillmentStatus.Failed, $"'{newDn}' is not a distinguished name");
        }

        DistinguishedName.TrySplit(dn, out _, out var oldParent);
        var request = new ModifyDNRequest(dn, DistinguishedName.AreEqual(parent, oldParent ?? string.Empty) ? null : parent, relativeName) { DeleteOldRdn = true };
        await session.SendAsync<ModifyDNResponse>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the order's links on the entries that hold them; values already there (or already gone) count as written.</summary>
    private async Task<List<string>> WriteLinksAsync(LdapSession session, FulfillmentRequest request, string resourceDn, CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        foreach (var navigation in request.Navigation)
        {
            if (navigation.Added.Count == 0 && navigation.Removed.Count == 0)
            {
                continue;
            }

            if (navigation.Table is null || navigation.FirstColumn is null || navigation.SecondColumn is null)
            {
                throw new OrderException(FulfillmentStatus.Failed, $"{navigation.Property}: association '{navigation.Association}' is not mapped to a table of connector '{context.Connector}', so its links cannot be written there");
            }

            var table = TableOf(navigation.Table);
            var first = table.AttributeOf(navigation.FirstColumn);
            var second = table.AttributeOf(navigation.SecondColumn);
            bool entryIsFirst;
            if (LdapTableSettings.IsDn(first) && !LdapTableSettings.IsDn(second))
            {
                entryIsFirst = true;
            }
            else if (LdapTableSettings.IsDn(second) && !LdapTableSettings.IsDn(first))
            {
                entryIsFirst = false;
            }
            else
            {
                throw new OrderException(FulfillmentStatus.Failed, $"Table '{table.Name}': one column of association '{navigation.Association}' must be dn (the entry holding the links) and the other its attribute, such as member");
            }

            var attribute = entryIsFirst ? second : first;
            var added = navigation.Added.Select(t => TargetDn(t, navigation)).ToList();
            var removed = navigation.Removed.Select(t => TargetDn(t, navigation)).ToList();
            if (navigation.ResourceIsFirst == entryIsFirst)
            {
                // The resource holds the links (a group's members): one change of its attribute.
                await LdapValueChanges.ApplyAsync(session, resourceDn, attribute, added, removed, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Each target holds a link to the resource (the groups of a user).
                foreach (var target in added)
                {
                    await LdapValueChanges.ApplyAsync(session, target, attribute, [resourceDn], [], cancellationToken).ConfigureAwait(false);
                }

                foreach (var target in removed)
                {
                    await LdapValueChanges.ApplyAsync(session, target, attribute, [], [resourceDn], cancellationToken).ConfigureAwait(false);
                }
            }

            messages.Add($"{navigation.Property}: {added.Count} added, {removed.Count} removed");
        }

        return messages;
    }

    private string TargetDn(LinkTarget target, NavigationFulfillment navigation) =>
        DnOf(target.Keys)
        ?? (DistinguishedName.TryParse(target.Key, out var names, out _) && names.Count > 1 ? target.Key : null)
        ?? throw new OrderException(FulfillmentStatus.Failed, $"{navigation.Property}: the {navigation.TargetEntityType} '{target.Key}' has no distinguished name among its keys; map a key of it to the column dn");

    private string? DnOf(IReadOnlyList<ResourceKeyValue> keys) =>
        keys.FirstOrDefault(k => IsDnColumn(k.Column) && k.Value.Length > 0)?.Value;

    private bool IsDnColumn(string column) =>
        LdapTableSettings.IsDn(column) || settings.Tables.Values.Any(t => t.Columns.TryGetValue(column, out var a) && LdapTableSettings.IsDn(a));

    /// <summary>The entry's DN: from a key mapped to dn, else found by the primary key under the table's base.</summary>
    private async Task<string?> FindAsync(LdapSession session, FulfillmentRequest request, LdapTableSettings table, CancellationToken cancellationToken)
    {
        if (DnOf(request.Keys) is { } dn)
        {
            return dn;
        }

        if (request.Keys.Count == 0)
        {
            throw new OrderException(FulfillmentStatus.Failed, "the order names no key of the entry");
        }

        var key = request.Keys[0];
        var attribute = table.AttributeOf(key.Column);
        string escaped;
        if (settings.IsBinary(attribute))
        {
            try
            {
                escaped = LdapFilter.EscapeBytes(Convert.FromBase64String(key.Value));
            }
            catch (FormatException)
            {
                throw new OrderException(FulfillmentStatus.Failed, $"{attribute}: '{key.Value}' is not Base64, as a binary key's value must be");
            }
        }
        else
        {
            escaped = LdapFilter.EscapeValue(key.Value);
        }

        var filter = $"(&{table.Filter}({attribute}={escaped}))";
        var response = await session.SendAsync<SearchResponse>(new SearchRequest(table.BaseDn, filter, table.Scope, "1.1"), cancellationToken).ConfigureAwait(false);
        return response.Entries.Count switch
        {
            0 => null,
            1 => response.Entries[0].DistinguishedName,
            _ => throw new OrderException(FulfillmentStatus.Failed, $"{response.Entries.Count} entries of table '{table.Name}' have {attribute}={key.Value}; the key must name one entry"),
        };
    }

    private static string Describe(IReadOnlyList<ResourceKeyValue> keys) =>
        string.Join(", ", keys.Select(static k => $"{k.Column}={k.Value}"));

    private static string? Single(object? value) => Values(value).FirstOrDefault();

    private static IEnumerable<string> Values(object? value) => value switch
    {
        null => [],
        string text => text.Length == 0 ? [] : [text],
        IEnumerable<string> texts => texts.Where(static t => t.Length > 0),
        System.Collections.IEnumerable items => items.Cast<object?>().Select(static i => Convert.ToString(i, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).Where(static t => t.Length > 0),
        _ => [Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty],
    };

    private sealed class OrderException(FulfillmentStatus status, string message) : Exception(message)
    {
        public FulfillmentStatus Status { get; } = status;
    }
}

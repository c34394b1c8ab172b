using IdentitySync.Model;
using IdentitySync.Storage;

namespace IdentitySync.Provisioning;

/// <summary>
/// Manual edits of repository resources (identities): a person changes a property, and the change is
/// recorded with who, when and why, so that sources honour the property's ownership policy afterwards.
/// </summary>
public sealed class RepositoryEditor
{
    private readonly IdentityModel _model;
    private readonly IResourceStore _store;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="RepositoryEditor"/> class.</summary>
    /// <param name="model">The model.</param>
    /// <param name="store">The store.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    public RepositoryEditor(IdentityModel model, IResourceStore store, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        _model = model;
        _store = store;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Sets a property of a repository resource by hand.</summary>
    /// <param name="entityType">The entity type; one no connector maps (identities).</param>
    /// <param name="key">The resource's primary key.</param>
    /// <param name="property">The scalar property.</param>
    /// <param name="value">The new value as text (an array of texts for a multi-valued property), or null to clear it.</param>
    /// <param name="editedBy">Who makes the change.</param>
    /// <param name="note">Why, kept with the change.</param>
    /// <param name="cancellationToken">Cancels the edit.</param>
    /// <returns>The recorded source of the new value.</returns>
    /// <exception cref="IdentitySyncException">The type is mapped by a connector, the resource or property does not exist, or the value does not fit the property's type.</exception>
    public async Task<PropertySource> SetAsync(string entityType, string key, string property, object? value, string editedBy, string? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(editedBy);
        var type = _model.EntityTypes.FirstOrDefault(e => string.Equals(e.Name, entityType, StringComparison.OrdinalIgnoreCase))
            ?? throw new IdentitySyncException($"Unknown entity type '{entityType}'; the model has {string.Join(", ", _model.EntityTypes.Select(static e => e.Name))}.");
        if (_model.FindConnectorOf(type.Name) is { } connector)
        {
            throw new IdentitySyncException($"{type.Name} is synchronized from connector {connector.Name}: change it in the managed system, not in the repository.");
        }

        var scalar = type.FindProperty(property)
            ?? throw new IdentitySyncException($"{type.Name} has no property '{property}'; it has: {string.Join(", ", type.Properties.Select(static p => p.Name))}.");
        await ResourceLayout.LearnAsync(_store, cancellationToken).ConfigureAwait(false);
        var resource = await _store.FindResourceAsync(type.Name, key, cancellationToken).ConfigureAwait(false)
            ?? throw new IdentitySyncException($"There is no {type.Name} with the key '{key}'.");
        if (scalar == type.Properties[0])
        {
            throw new IdentitySyncException($"{scalar.Name} is the key of {type.Name}; it cannot be edited.");
        }

        object? typed;
        try
        {
            typed = RepositoryValues.Typed(scalar, value);
        }
        catch (FormatException exception)
        {
            throw new IdentitySyncException($"'{value}' is not a {scalar.Type} value for {type.Name}.{scalar.Name}: {exception.Message}", exception);
        }

        var values = resource.CopyValues(type);
        values[RepositoryWorkflow.IndexOf(type, scalar.Name)] = typed;
        var at = _timeProvider.GetUtcNow();
        var source = new PropertySource(resource.Id, scalar.Name, PropertySourceKind.Manual, editedBy, note, null, at);
        var state = await _store.GetConnectorStateAsync(RepositoryWorkflow.RepositoryConnector, cancellationToken).ConfigureAwait(false);
        var writer = await _store.BeginApplyAsync(RepositoryWorkflow.RepositoryConnector, state.Version, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await RepositoryValues.WriteAsync(writer, type, resource.Key, values, insert: false, cancellationToken).ConfigureAwait(false);
            await writer.SetSourcesAsync(type.Name, resource.Key, [source], cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(state with { Version = state.Version + 1 }, cancellationToken).ConfigureAwait(false);
        }

        return source;
    }

    /// <summary>Reads where each property value of a repository resource came from.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <param name="key">The resource's primary key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The sources, by property.</returns>
    /// <exception cref="IdentitySyncException">The resource does not exist.</exception>
    public async Task<IReadOnlyList<PropertySource>> GetSourcesAsync(string entityType, string key, CancellationToken cancellationToken = default)
    {
        var resource = await _store.FindResourceAsync(entityType, key, cancellationToken).ConfigureAwait(false)
            ?? throw new IdentitySyncException($"There is no {entityType} with the key '{key}'.");
        return await _store.GetSourcesAsync(resource.Id, cancellationToken).ConfigureAwait(false);
    }
}

using IdentitySync.Connections;
using IdentitySync.Storage;

namespace IdentitySync.Synchronization;

/// <summary>The preparer's values stage: a changed row's values parsed, packed and joined with the stored ones.</summary>
internal sealed partial class EntityPreparer
{
    /// <summary>
    /// Parses a row's values, kept packed (about a third of the memory of 20 boxed values and strings,
    /// and the bytes a store writes) until something reads them.
    /// </summary>
    private IReadOnlyList<object?>? Decode(RowBatch batch, int row, StoredResource? stored, RowCommand command, string source, long line, string key)
    {
        // A row of a resource loaded as its digest is packed as it reads; the stored values of the properties the
        // mapping does not set join it once they are read (OverStored).
        if (stored is null || stored.Values is StoredStateLoader.ValuesNotRead)
        {
            return Pack(batch, row, command, source, line, key);
        }

        // A changed row starts from what is stored, read as the entity type has it now (a merge keeps the
        // columns the export lacks).
        var values = stored.CopyValues(EntityType);
        for (var i = 0; i < _columns.Length; i++)
        {
            var propertyMapping = Mapping.Properties[i];
            if (command == RowCommand.Merge && MissingProperties.Contains(propertyMapping.Property))
            {
                continue;
            }

            var property = EntityType.Properties[_propertyIndexes[i]];
            var field = batch.GetField(row, _columns[i]);
            if (!ValueParser.TryParse(field, property, propertyMapping, out var value, out var error))
            {
                Quarantine(source, line, key, $"column '{propertyMapping.Column}' ({property.Name}): {error}");
                return null;
            }

            values[_propertyIndexes[i]] = field.IsEmpty && _emptyString[i] ? string.Empty : value;
        }

        return ResourceValueCodec.DecodeLazily(ResourceValueCodec.Encode(StoredValues.WithLayout(values, EntityType)));
    }

    /// <summary>
    /// Completes a changed row packed before its stored values were read: the properties the mapping sets take
    /// the row's values, the others keep the stored ones, exactly as <see cref="Decode"/> makes them from a
    /// stored resource at hand.
    /// </summary>
    /// <param name="read">The row's values as packed from its fields.</param>
    /// <param name="stored">The stored resource of the row's key, with its values.</param>
    /// <returns>The row's values.</returns>
    public IReadOnlyList<object?> OverStored(IReadOnlyList<object?> read, StoredResource stored)
    {
        var values = stored.CopyValues(EntityType);
        foreach (var property in _propertyIndexes)
        {
            values[property] = StoredValues.ValueAt(read, EntityType, property);
        }

        return ResourceValueCodec.DecodeLazily(ResourceValueCodec.Encode(StoredValues.WithLayout(values, EntityType)));
    }

    /// <summary>
    /// Packs a new row's values straight from its fields: a plain-text field (valid UTF-8, as Accept checked) is
    /// copied as it is (no string per field), the others are parsed. Columns are checked in mapping
    /// order, so the first bad one is the one quarantined, as when values are parsed one by one.
    /// </summary>
    private IReadOnlyList<object?>? Pack(RowBatch batch, int row, RowCommand command, string source, long line, string key)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            _parsed[i] = null;
            _verbatim[i] = false;
            var propertyMapping = Mapping.Properties[i];
            if (command == RowCommand.Merge && MissingProperties.Contains(propertyMapping.Property))
            {
                continue;
            }

            var field = batch.GetField(row, _columns[i]);
            // Every field was checked to be valid UTF-8 in Accept: plain text is copied as it is.
            if (_plainText[i] && !field.IsEmpty)
            {
                _verbatim[i] = true;
                continue;
            }

            if (field.IsEmpty && _emptyString[i])
            {
                _parsed[i] = string.Empty;
                continue;
            }

            // The key and unique keys were parsed for this row already.
            if (_rowParsedStamp[i] == RowsRead)
            {
                _parsed[i] = _rowParsed[i];
                continue;
            }

            var property = EntityType.Properties[_propertyIndexes[i]];
            if (!ValueParser.TryParse(field, property, propertyMapping, out _parsed[i], out var error))
            {
                Quarantine(source, line, key, $"column '{propertyMapping.Column}' ({property.Name}): {error}");
                return null;
            }
        }

        var packer = ResourceValueCodec.StartPacking();
        ResourceValueCodec.WriteLayout(packer, _layout);
        packer.Write7BitEncodedInt(_mappingOfProperty.Length);
        foreach (var i in _mappingOfProperty)
        {
            if (i >= 0 && _verbatim[i])
            {
                ResourceValueCodec.WriteUtf8Text(packer, batch.GetField(row, _columns[i]));
            }
            else
            {
                ResourceValueCodec.Write(packer, i >= 0 ? _parsed[i] : null);
            }
        }

        return ResourceValueCodec.FinishPackingLazily(packer, _arena);
    }
}

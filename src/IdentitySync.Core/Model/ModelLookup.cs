namespace IdentitySync.Model;

internal static class ModelLookup
{
    // Models hold tens of items, so a linear scan keeps the records free of derived state that would spoil
    // equality. Engines look types and properties up per resource: by index, a lookup allocates nothing (a
    // foreach over the interface boxed an enumerator per call, 300 MB in a million-owner generation).
    public static T? Find<T>(IReadOnlyList<T> items, string name, Func<T, string> nameOf)
        where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(nameOf(items[i]), name, StringComparison.OrdinalIgnoreCase))
            {
                return items[i];
            }
        }

        return null;
    }

    public static T Get<T>(IReadOnlyList<T> items, string name, Func<T, string> nameOf, string kind)
        where T : class =>
        Find(items, name, nameOf)
        ?? throw new KeyNotFoundException(items.Count == 0
            ? $"The model has no {kind} named '{name}': it has no {kind} at all. Configure the model first (the IdentitySync section of the configuration, AddIdentitySync(configuration), or ConfigureModel)."
            : $"The model has no {kind} named '{name}'; it has: {string.Join(", ", items.Select(nameOf))}.");
}

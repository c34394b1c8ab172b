namespace IdentitySync.Model;

internal static class ModelLookup
{
    // Models hold tens of items and are looked up at configuration time; engines compile them to
    // indexes, so a linear scan keeps the records free of derived state that would spoil equality.
    public static T? Find<T>(IReadOnlyList<T> items, string name, Func<T, string> nameOf)
        where T : class
    {
        foreach (var item in items)
        {
            if (string.Equals(nameOf(item), name, StringComparison.OrdinalIgnoreCase))
            {
                return item;
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

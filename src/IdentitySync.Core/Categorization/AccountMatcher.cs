using System.Globalization;
using IdentitySync.Categorizations;
using IdentitySync.Internal;
using IdentitySync.Model;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Categorization;

/// <summary>
/// Categorization's rule stage for one target entity type: correlation rules (each rule's owner values indexed
/// once), then classification rules, highest confidence first; the first that matches decides an account.
/// </summary>
internal sealed class AccountMatcher
{
    // Below this many accounts, they are categorized on the calling thread.
    private const int ParallelFloor = 16_384;

    [ThreadStatic]
    private static List<string>? t_values;

    private readonly ResourceGraph _graph;
    private readonly List<(ResourceType Type, CorrelationRule Rule, int Number, Dictionary<string, OneOrMore<StoredResource>> Owners)> _correlations = [];
    private readonly List<(ResourceType Type, ClassificationRule Rule, int Number)> _classifications = [];
    private readonly string _targetType;
    private bool _allParsed;

    private AccountMatcher(ResourceGraph graph, string targetType)
    {
        _graph = graph;
        _targetType = targetType;
    }

    /// <summary>Builds the matcher of a target entity type's rules.</summary>
    /// <param name="graph">The graph the rules evaluate over.</param>
    /// <param name="resourceTypes">The resource types of the target entity type.</param>
    /// <param name="targetType">The accounts' entity type.</param>
    /// <param name="accounts">
    /// The only accounts it will categorize, when a run examines a few: owners are then indexed only under the values
    /// those accounts have, instead of a million entries; null indexes every owner's values.
    /// </param>
    /// <param name="store">The store, where owners are looked up by key (<see cref="OwnerKeyLookup"/>) for a few accounts.</param>
    /// <param name="cancellationToken">Cancels the loads.</param>
    public static async Task<AccountMatcher> CreateAsync(ResourceGraph graph, List<ResourceType> resourceTypes, string targetType, IReadOnlyCollection<StoredResource>? accounts, IResourceReader store, CancellationToken cancellationToken)
    {
        var matcher = new AccountMatcher(graph, targetType);
        foreach (var type in resourceTypes)
        {
            for (var n = 0; n < type.CorrelationRules.Count; n++)
            {
                var rule = type.CorrelationRules[n];
                var lookup = accounts is null ? null : await OwnerKeyLookup.ForAsync(graph.Model, type.OwnerEntityType, rule.Owner, store, cancellationToken).ConfigureAwait(false);
                if (lookup is null)
                {
                    await graph.PrepareAsync(rule.Owner, "Owner", type.OwnerEntityType, cancellationToken).ConfigureAwait(false);
                }

                await graph.PrepareAsync(rule.Account, "Account", targetType, cancellationToken).ConfigureAwait(false);
                var texts = new List<string>();
                HashSet<string>? wanted = null;
                if (accounts is not null)
                {
                    foreach (var account in accounts)
                    {
                        Values.AddTexts(rule.Account.Evaluate(new ResourceContext(graph, null, account)), texts);
                    }

                    wanted = texts.ToHashSet(StringComparer.Ordinal);
                }

                // Owners keyed by the rule's value are looked up; otherwise each owner is read and evaluated.
                IReadOnlyCollection<StoredResource> owners = lookup is not null
                    ? await lookup.FindAsync(store, wanted!, cancellationToken).ConfigureAwait(false)
                    : (await graph.ResourcesAsync(type.OwnerEntityType, cancellationToken).ConfigureAwait(false)).Values;

                // Sized for a value per owner (or per wanted value): a million owners' index grew through twenty sizes.
                var index = new Dictionary<string, OneOrMore<StoredResource>>(wanted?.Count ?? owners.Count, StringComparer.Ordinal);
                foreach (var owner in owners)
                {
                    texts.Clear();
                    Values.AddTexts(rule.Owner.Evaluate(new ResourceContext(graph, owner, null)), texts);
                    foreach (var value in texts)
                    {
                        if (wanted is not null && !wanted.Contains(value))
                        {
                            continue;
                        }

                        OneOrMore<StoredResource>.Add(index, value, owner);
                    }
                }

                matcher._correlations.Add((type, rule, n + 1, index));
            }

            for (var n = 0; n < type.ClassificationRules.Count; n++)
            {
                await graph.PrepareAsync(type.ClassificationRules[n].Predicate, "Account", targetType, cancellationToken).ConfigureAwait(false);
                matcher._classifications.Add((type, type.ClassificationRules[n], n + 1));
            }
        }

        matcher._allParsed = matcher._correlations.All(static c => c.Rule.Owner is RuleExpression && c.Rule.Account is RuleExpression)
            && matcher._classifications.All(static c => c.Rule.Predicate is RuleExpression);

        // Highest confidence first; declaration order breaks ties.
        var ordered = matcher._correlations.OrderByDescending(static c => c.Rule.Confidence).ToList();
        matcher._correlations.Clear();
        matcher._correlations.AddRange(ordered);
        var classifications = matcher._classifications.OrderByDescending(static c => c.Rule.Confidence).ToList();
        matcher._classifications.Clear();
        matcher._classifications.AddRange(classifications);
        return matcher;
    }

    /// <summary>
    /// Categorizes each account on its own, in their order: on every core for many accounts when every rule is one the
    /// engine parsed (it reads only the values it is given); rules given as code may not be thread-safe, and are called
    /// one account at a time.
    /// </summary>
    public (StoredResource Account, AccountCategorization Result)[] CategorizeAll(List<StoredResource> accounts, ulong ownersDigest, DateTimeOffset at, CancellationToken cancellationToken) =>
        Parallelism.Map(accounts.Count, _allParsed, ParallelFloor, i => (accounts[i], Categorize(accounts[i], ownersDigest, at)), cancellationToken);

    public AccountCategorization Categorize(StoredResource account, ulong ownersDigest, DateTimeOffset at)
    {
        var context = new ResourceContext(_graph, null, account);

        // One list of values per thread, used again for every account and rule (a million accounts made a million lists).
        var values = t_values ??= [];
        foreach (var (type, rule, number, owners) in _correlations)
        {
            values.Clear();
            Values.AddTexts(rule.Account.Evaluate(context), values);

            // Most accounts match one owner: a list only from the second.
            StoredResource? first = null;
            List<StoredResource>? several = null;
            foreach (var value in values)
            {
                if (owners.TryGetValue(value, out var found))
                {
                    foreach (var owner in found)
                    {
                        if (first is null)
                        {
                            first = owner;
                        }
                        else if (owner.Id != first.Id)
                        {
                            AddOnce(several ??= [first], owner);
                        }
                    }
                }
            }

            if (first is null)
            {
                continue;
            }

            var reason = string.Create(CultureInfo.InvariantCulture, $"{type.Name} correlation rule {number} ({rule.Owner.Text} = {rule.Account.Text}, confidence {rule.Confidence}) matched '{string.Join("', '", values)}'");
            if (several is not null)
            {
                return new AccountCategorization(account.Id, _targetType, CategorizationStatus.Ambiguous, type.Name, null, rule.Confidence,
                    [.. several.Select(static o => o.Id).Order()], reason + $" for {several.Count} owners", account.Digest, ownersDigest, at);
            }

            var status = rule.Confidence >= 100 ? CategorizationStatus.Correlated : CategorizationStatus.Suggested;
            return new AccountCategorization(account.Id, _targetType, status, type.Name, status == CategorizationStatus.Correlated ? first.Id : null,
                rule.Confidence, status == CategorizationStatus.Suggested ? [first.Id] : [], reason, account.Digest, ownersDigest, at);
        }

        foreach (var (type, rule, number) in _classifications)
        {
            if (rule.Predicate.Evaluate(context) is true)
            {
                var status = rule.Confidence >= 100 ? CategorizationStatus.Classified : CategorizationStatus.Suggested;
                var reason = string.Create(CultureInfo.InvariantCulture, $"{type.Name} classification rule {number} ({rule.Predicate.Text}, confidence {rule.Confidence})");
                return new AccountCategorization(account.Id, _targetType, status, type.Name, null, rule.Confidence, [], reason, account.Digest, ownersDigest, at);
            }
        }

        return new AccountCategorization(account.Id, _targetType, CategorizationStatus.Uncategorized, null, null, 0, [], null, account.Digest, ownersDigest, at);
    }

    /// <summary>Adds an owner to the matches unless there already (an owner two of the account's values name is one match).</summary>
    private static void AddOnce(List<StoredResource> matches, StoredResource owner)
    {
        foreach (var match in matches)
        {
            if (match.Id == owner.Id)
            {
                return;
            }
        }

        matches.Add(owner);
    }
}

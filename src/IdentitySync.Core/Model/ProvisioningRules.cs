using IdentitySync.Rules;

namespace IdentitySync.Model;

/// <summary>Decides whether an owner should hold a resource of the type.</summary>
/// <param name="Criteria">The condition over the owner; <see langword="null"/> matches every owner.</param>
/// <param name="Deny">Whether the rule forbids the resource to the owners it matches.</param>
public sealed record TypeRule(IRuleExpression? Criteria, bool Deny);

/// <summary>Computes one scalar property of the resource from its owner.</summary>
/// <param name="Property">The target entity type's property.</param>
/// <param name="Value">The value over <c>Owner</c>.</param>
/// <param name="Comparison">How the value is compared with the actual one.</param>
/// <param name="CreateOnly">Whether the value is only set at creation and never compared afterwards.</param>
/// <param name="Ownership">Who may overwrite the property; <see langword="null"/> for the type's default (repository types: authoritative; managed systems: a hand-made change is reviewed as non-conforming).</param>
public sealed record ScalarRule(string Property, IRuleExpression Value, ComparisonType Comparison, bool CreateOnly, PropertyOwnership? Ownership = null);

/// <summary>Links the resource to a fixed target, found by its primary key, while a condition holds.</summary>
/// <param name="Property">The target entity type's navigation property.</param>
/// <param name="Target">The primary key of the linked resource.</param>
/// <param name="Criteria">The condition over the owner; <see langword="null"/> always links.</param>
public sealed record NavigationRule(string Property, string Target, IRuleExpression? Criteria);

/// <summary>Links the resource to every target whose target-side value equals the owner-side value.</summary>
/// <param name="Property">The target entity type's navigation property.</param>
/// <param name="Owner">The owner-side value, over <c>Owner</c>.</param>
/// <param name="Target">The target-side value, over <c>Target</c>.</param>
/// <param name="Criteria">The condition over the owner; <see langword="null"/> always applies.</param>
public sealed record QueryRule(string Property, IRuleExpression Owner, IRuleExpression Target, IRuleExpression? Criteria);

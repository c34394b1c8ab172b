using IdentitySync.Connections;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Orders;
using IdentitySync.Provisioning;
using IdentitySync.Rules;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Provisioning.Stages;

/// <summary>The rule kinds a resource type's evaluation is made of, each on its own: type rules and scalar rules.</summary>
public sealed class RuleSetTests
{
    [Test]
    public void TypeRules_ADenyRuleWinsOverAnEarlierGrant_AndTheWordsNameTheRule()
    {
        var rules = new TypeRuleSet([
            new TypeRule(RuleExpression.Parse("equals(Owner.Status, 'Active')"), Deny: false),
            new TypeRule(RuleExpression.Parse("equals(Owner.Department, 'Audit')"), Deny: true),
            new TypeRule(null, Deny: false),
        ]);

        var auditor = rules.Evaluate(Owner(("Status", "Active"), ("Department", "Audit")));
        var seller = rules.Evaluate(Owner(("Status", "Active"), ("Department", "Sales")));

        Assert.Multiple(() =>
        {
            Assert.That(auditor, Is.EqualTo((false, "deny rule 2 (`equals(Owner.Department, 'Audit')`) matches")));
            Assert.That(seller, Is.EqualTo((true, "type rule 1 (`equals(Owner.Status, 'Active')`) grants it")));
        });
    }

    [Test]
    public void TypeRules_NoneMatching_SaySoByCount_AndNoRulesDecideNothing()
    {
        var one = new TypeRuleSet([new TypeRule(RuleExpression.Parse("equals(Owner.Status, 'Active')"), Deny: false)]);
        var two = new TypeRuleSet([
            new TypeRule(RuleExpression.Parse("equals(Owner.Status, 'Active')"), Deny: false),
            new TypeRule(RuleExpression.Parse("equals(Owner.Department, 'Sales')"), Deny: false),
        ]);
        var leaver = Owner(("Status", "Left"), ("Department", "Audit"));

        Assert.Multiple(() =>
        {
            Assert.That(one.Evaluate(leaver), Is.EqualTo((false, "its type rule does not match")));
            Assert.That(two.Evaluate(leaver), Is.EqualTo((false, "none of its 2 type rules matches")));
            Assert.That(new TypeRuleSet([]).Evaluate(leaver), Is.EqualTo(((bool?)null, (string?)null)));
        });
    }

    [Test]
    public void ScalarRules_Evaluate_EmptyTextIsNoValue_AndMultiValuedPropertiesAreArrays()
    {
        var (rules, _) = Scalars();

        var values = rules.Evaluate(Owner(("Role", string.Empty), ("Title", "Boss"), ("Mails", new object[] { "a@corp.test", string.Empty, "b@corp.test" })));

        Assert.Multiple(() =>
        {
            Assert.That(values["Role"], Is.Null);
            Assert.That(values["Title"], Is.EqualTo("Boss"));
            Assert.That(values["Mails"], Is.EqualTo(new[] { "a@corp.test", "b@corp.test" }));
            Assert.That(rules.Explanations["Role"], Is.EqualTo("`Owner.Role`"));
            Assert.That(rules.Manual, Is.EquivalentTo(new[] { "Mails" }));
        });
    }

    [Test]
    public void ScalarRules_Compare_ARuleChangeIsOrdered_AnUnexplainedDifferenceIsDrift_AndOwnershipSkipsWithANote()
    {
        var (rules, accountType) = Scalars();
        var account = new StoredResource(7, "App_Account", "zoe", 1, ["zoe", "buyer", "Chief", null]);
        var desired = Desire(rules, ("Role", "seller"), ("Title", "Boss"), ("Login", "zoe.new"));

        var unchangedRule = Compare(rules, account, desired, Previous(("Role", "seller"), ("Title", "Boss")));
        var changedRule = Compare(rules, account, desired, Previous(("Role", "clerk"), ("Title", "Boss")));

        Assert.Multiple(() =>
        {
            Assert.That(accountType.Properties.Select(static p => p.Name), Is.EqualTo(new[] { "Login", "Role", "Title", "Mails" }));
            Assert.That(unchangedRule.Difference.RuleChanges, Is.Empty);
            Assert.That(unchangedRule.Difference.DriftChanges, Is.EqualTo(new Dictionary<string, object?> { ["Role"] = "seller" }));
            Assert.That(unchangedRule.Difference.DriftReasons, Is.EqualTo(new[] { "Role is 'buyer' in App but `Owner.Role` computes 'seller', and no rule change explains the difference" }));
            Assert.That(changedRule.Difference.RuleChanges, Is.EqualTo(new Dictionary<string, object?> { ["Role"] = "seller" }));
            Assert.That(changedRule.Difference.RuleReasons, Is.EqualTo(new[] { "Role: `Owner.Role` computes 'seller', App holds 'buyer' (the rule computed 'clerk' before)" }));

            // Title is kept because it is not empty (IfEmpty); Login is set at creation only, silently on a managed system.
            Assert.That(unchangedRule.Notes.Select(static n => (n.Property, n.Policy)), Is.EqualTo(new[] { ("Title", PropertyOwnership.IfEmpty) }));
            Assert.That(unchangedRule.Notes[0].Reason, Does.EndWith("but the property is not empty; it keeps 'Chief'"));
            Assert.That(changedRule.Difference.RuleChanges.Keys, Has.No.Member("Login"));
        });
    }

    private static (ScalarRuleSet Rules, EntityType AccountType) Scalars()
    {
        var model = new IdentityModelBuilder()
            .AddEntityType("Person", e => e.AddProperty("EmployeeId").AddProperty("Role").AddProperty("Title").AddProperty("Mails", isMultiValued: true))
            .AddEntityType("App_Account", e => e.AddProperty("Login").AddProperty("Role").AddProperty("Title").AddProperty("Mails", isMultiValued: true))
            .AddConnector("App", c => c
                .AddConnection("Accounts", "Memory")
                .MapEntityType("App_Account", "Accounts", "accounts", m => m.Map("Login", "login", PropertyKey.Primary).Map("Role", "role").Map("Title", "title").Map("Mails", "mails")))
            .AddResourceType("App_User", "App", "Person", "App_Account", r =>
            {
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "Login", Value = "Owner.EmployeeId", CreateOnly = true });
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "Role", Value = "Owner.Role" });
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "Title", Value = "Owner.Title", Ownership = PropertyOwnership.IfEmpty });
                r.ScalarRules.Add(new ScalarRuleOptions { Property = "Mails", Value = "Owner.Mails", Ownership = PropertyOwnership.Manual });
            })
            .Build();
        var accountType = model.GetEntityType("App_Account");
        return (new ScalarRuleSet(model.GetResourceType("App_User"), accountType, isRepository: false, new OrderIndex([])), accountType);
    }

    private static Desired Desire(ScalarRuleSet rules, params (string Property, object? Value)[] values) =>
        new(true, "granted", rules.Evaluate(Owner(values)), new Dictionary<string, SortedSet<string>>(), new Dictionary<string, string>(rules.Explanations, StringComparer.Ordinal));

    private static OwnerProvisioningState Previous(params (string Property, object? Value)[] values) =>
        new("App_User", 1, 0, true, values.ToDictionary(static v => v.Property, static v => v.Value, StringComparer.Ordinal), new Dictionary<string, IReadOnlyList<string>>());

    private static (OrderDifference Difference, List<OwnershipNote> Notes) Compare(ScalarRuleSet rules, StoredResource account, Desired desired, OwnerProvisioningState previous)
    {
        var difference = new OrderDifference();
        var notes = new List<OwnershipNote>();
        rules.Compare(account, desired, previous, difference, notes);
        return (difference, notes);
    }

    private static OwnerContext Owner(params (string Property, object? Value)[] values)
    {
        var context = new OwnerContext();
        foreach (var (property, value) in values)
        {
            context[property] = value;
        }

        return context;
    }

    /// <summary>An owner's values by property name, as rules read them.</summary>
    private sealed class OwnerContext : Dictionary<string, object?>, IExpressionContext
    {
        public OwnerContext()
            : base(StringComparer.OrdinalIgnoreCase)
        {
        }

        public object? GetValue(string root, IReadOnlyList<string> path) =>
            string.Equals(root, "Owner", StringComparison.OrdinalIgnoreCase) && path.Count == 1 && TryGetValue(path[0], out var value) ? value : null;
    }
}

using IdentitySync.Orders;
using IdentitySync.Rules;

namespace IdentitySync.Tests.Provisioning;

/// <summary>
/// A batch of owners is evaluated on every core when every rule is one the engine parsed, then compared one owner at a
/// time; a rule given as code makes the whole type evaluate one owner at a time. The same rules written both ways give
/// the same orders for six hundred people: joiners, leavers, wrong display names and groups, with the same reasons.
/// </summary>
public sealed class ParallelGenerationTests
{
    [Test]
    public async Task Generate_ManyOwners_ParsedRulesOnEveryCore_OrderAsTheSameRulesAsCodeOneByOne()
    {
        var parsed = await OrdersAsync(displayNameAsCode: false);
        var asCode = await OrdersAsync(displayNameAsCode: true);

        var kinds = parsed.GroupBy(static o => o[..o.IndexOf(" E", StringComparison.Ordinal)]).ToDictionary(static g => g.Key, static g => g.Count());
        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.EqualTo(asCode), "the same orders, in words");
            Assert.That(kinds, Is.EqualTo(new Dictionary<string, int>
            {
                ["AD_User Added"] = 270,
                ["AD_User Modified"] = 220,
                ["AD_User Deleted"] = 30,
                ["App_User Added"] = 180,
            }), "joiners 301-600 but the inactive; a wrong name, or a Finance person in GG_Sales (two orders); the inactive with an account; sales people with an account");
            Assert.That(parsed, Has.Some.StartsWith("AD_User Modified E8 first8.last8 DisplayName=First8 Last8  non-conforming AD_User 'first8.last8' of First8 Last8 (E8): DisplayName is 'Wrong Name' in AD but `Owner.FirstName + ' ' + Owner.LastName` computes 'First8 Last8'"));
            Assert.That(parsed, Has.Some.StartsWith("AD_User Modified E9 first9.last9  MemberOf+GG_Finance MemberOf- AD_User 'first9.last9' of First9 Last9 (E9) differs from the rules"));
        });
    }

    /// <summary>The orders of one first generation, in words (type, change, owner, account, changes, links, reason), sorted.</summary>
    private static async Task<List<string>> OrdersAsync(bool displayNameAsCode)
    {
        var fixture = new ProvisioningFixture(configureAd: r =>
        {
            if (displayNameAsCode)
            {
                var rule = r.ScalarRules.Single(static s => s.Property == "DisplayName");
                rule.Value = null;
                rule.ValueExpression = DelegateExpression.Value(static c => $"{c.GetValue("Owner", ["FirstName"])} {c.GetValue("Owner", ["LastName"])}", "Owner.FirstName + ' ' + Owner.LastName");
            }
        });
        for (var i = 1; i <= 600; i++)
        {
            fixture.SetPerson($"E{i}", $"First{i}", $"Last{i}", i % 3 == 0 ? "Finance" : "Sales", i % 10 == 0 ? "Inactive" : "Active");
        }

        for (var i = 1; i <= 300; i++)
        {
            var sam = $"first{i}.last{i}";
            fixture.Directory.Users[sam] = ($"E{i}", i % 4 == 0 ? "Wrong Name" : $"First{i} Last{i}");
            fixture.Directory.Members.Add(("Staff", sam));
            fixture.Directory.Members.Add(("GG_Sales", sam));
        }

        await fixture.SynchronizeAsync();
        var report = await fixture.Engine.GenerateAsync();
        return [.. report.Orders.Select(Words).Order(StringComparer.Ordinal)];
    }

    private static string Words(ProvisioningOrder order) =>
        $"{order.ResourceType} {order.ChangeType} {order.Owner?.Key} {order.Resource?.Key} "
        + string.Join(",", order.Changes.OrderBy(static c => c.Key, StringComparer.Ordinal).Select(static c => $"{c.Key}={c.Value}")) + " "
        + string.Join(" ", order.Navigation.OrderBy(static n => n.Key, StringComparer.Ordinal).Select(static n => $"{n.Key}+{string.Join("|", n.Value.Added)} {n.Key}-{string.Join("|", n.Value.Removed)}"))
        + " " + order.Reason;
}

using IdentitySync.Categorization;

namespace IdentitySync.Tests.Categorization;

/// <summary>The one-per-owner check asks whether an owner holds another account of a type than the one categorized.</summary>
public sealed class HeldAccountsTests
{
    [Test]
    public void HoldsAnother_SeesAnAccountOtherThanTheOneAsked_AmongTheOwnersAccountsOfTheType()
    {
        var held = new HeldAccounts();
        held.Hold("AD_User", 1, 10);
        var alone = (Self: held.HoldsAnother("AD_User", 1, 10), Other: held.HoldsAnother("AD_User", 1, 11));
        held.Hold("AD_User", 1, 10);
        held.Hold("AD_User", 1, 11);
        held.Hold("AD_User", 1, 12);

        Assert.Multiple(() =>
        {
            Assert.That(alone, Is.EqualTo((false, true)), "an owner's only account is not another");
            Assert.That(held.HoldsAnother("AD_User", 1, 10), Is.True, "11 is another");
            Assert.That(held.HoldsAnother("AD_User", 1, 11), Is.True, "10 is another");
            Assert.That(held.HoldsAnother("AD_User", 1, 12), Is.True);
            Assert.That(held.HoldsAnother("AD_Admin", 1, 13), Is.False, "another type");
            Assert.That(held.HoldsAnother("AD_User", 2, 13), Is.False, "another owner");
        });
    }
}

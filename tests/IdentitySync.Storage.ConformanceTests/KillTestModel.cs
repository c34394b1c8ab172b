using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.Storage.ConformanceTests;

/// <summary>The model of the rows the kill tests write straight through a store's writer: AD_User with a name and a count.</summary>
public static class KillTestModel
{
    /// <summary>Gets the model, for <see cref="StoreCheck"/> after a killed run.</summary>
    public static IdentityModel Instance { get; } = new IdentityModelBuilder()
        .AddEntityType("AD_User", static e => e.AddProperty("Name").AddProperty("Count", ScalarType.Int32))
        .AddConnector("AD", static c => c
            .AddConnection("Export", "Memory")
            .MapEntityType("AD_User", "Export", "users", static m => m.Map("Name", "name", PropertyKey.Primary).Map("Count", "count")))
        .Build();
}

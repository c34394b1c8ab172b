using IdentitySync.Configuration;
using IdentitySync.Model;

// Outside the IdentitySync namespace, as a user's code is: a using the README forgets fails the build.
namespace ReadmeSnippets;

/// <summary>The README's quickstart, compiled and run by the tests; ReadmeTests keeps the two identical.</summary>
internal static class Quickstart
{
    public static IdentityModel Run()
    {
        // quickstart:start
        var model = new IdentityModelBuilder()
            .AddEntityType("Identity", e => e
                .AddProperty("EmployeeId")
                .AddProperty("DisplayName"))
            .AddEntityType("AD_User", e => e
                .AddProperty("Dn")
                .AddProperty("SamAccountName")
                .AddProperty("EmployeeId")
                .AddProperty("WhenCreated", ScalarType.DateTime))
            .AddConnector("AD", c => c
                .AddConnection("Export", "Csv", [new("Path", "exports/ad_users.csv")])
                .MapEntityType("AD_User", "Export", "users", m => m
                    .Map("Dn", "dn", PropertyKey.Primary)
                    .Map("SamAccountName", "sAMAccountName", PropertyKey.Unique)
                    .Map("EmployeeId", "employeeID")
                    .Map("WhenCreated", "whenCreated", format: ValueFormat.GeneralizedTime)))
            .AddResourceType("AD_NominativeUser", "AD", "Identity", "AD_User", r => r.RequireReview = true)
            .Build();

        Console.WriteLine(model.GetConnector("AD").Thresholds.Resources.MaxDeleted); // 100, the default
        // quickstart:end
        return model;
    }
}

using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.Tests.Samples;

/// <summary>A small valid model that validation tests break one setting at a time.</summary>
internal static class MinimalSample
{
    public static IdentityModelBuilder Create() => new IdentityModelBuilder()
        .AddEntityType("Identity", e => e.AddProperty("EmployeeId").AddProperty("Name"))
        .AddEntityType("AD_User", e => e
            .AddProperty("Dn")
            .AddProperty("Sam")
            .AddProperty("EmployeeId")
            .AddProperty("Mail")
            .AddProperty("Created", ScalarType.DateTime)
            .AddProperty("Proxies", isMultiValued: true)
            .AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true))
        .AddEntityType("AD_Group", e => e.AddProperty("Dn").AddNavigationProperty("Members", "AD_User", isMultiValued: true))
        .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf")
        .AddConnector("AD", c => c
            .AddConnection("Export", "Csv")
            .MapEntityType("AD_User", "Export", "users", m => m
                .Map("Dn", "dn", PropertyKey.Primary)
                .Map("Sam", "sAMAccountName", PropertyKey.Unique)
                .Map("EmployeeId", "employeeID")
                .Map("Created", "whenCreated", format: ValueFormat.GeneralizedTime)
                .Map("Proxies", "proxyAddresses"))
            .MapEntityType("AD_Group", "Export", "groups", m => m.Map("Dn", "dn", PropertyKey.Primary))
            .MapAssociation("AD_Membership", "Export", "members", "group_dn", "member_dn"))
        .AddResourceType("AD_Nominative", "AD", "Identity", "AD_User");
}

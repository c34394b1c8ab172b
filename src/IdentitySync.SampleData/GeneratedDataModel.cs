using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.SampleData;

/// <summary>The model the generated exports (<see cref="DataGenerator"/>) are synchronized with: 20 mapped user columns, groups, memberships by DN, HR people.</summary>
public static class GeneratedDataModel
{
    /// <summary>
    /// Builds the model: connector <c>AD</c> reads <c>users.csv</c>, <c>groups.csv</c> and
    /// <c>members.csv</c> (<c>{table}.csv</c> under the engine's base directory), connector <c>HR</c>
    /// reads <c>people.csv</c>, and resource type <c>AD_Nominative</c> gives each person a directory
    /// account. Thresholds are off: a 1 % change of a million accounts exceeds the default counts.
    /// </summary>
    /// <returns>A new model.</returns>
    public static IdentityModel Create() => new IdentityModelBuilder()
        .AddEntityType("AD_User", e => e
            .AddProperty("ObjectGuid", ScalarType.Guid)
            .AddProperty("Dn")
            .AddProperty("Sam")
            .AddProperty("Upn")
            .AddProperty("EmployeeId")
            .AddProperty("GivenName")
            .AddProperty("Surname")
            .AddProperty("DisplayName")
            .AddProperty("Mail")
            .AddProperty("Title")
            .AddProperty("Department")
            .AddProperty("Company")
            .AddProperty("Office")
            .AddProperty("Telephone")
            .AddProperty("Mobile")
            .AddProperty("ManagerDn")
            .AddProperty("WhenCreated", ScalarType.DateTime)
            .AddProperty("LastLogon", ScalarType.DateTime)
            .AddProperty("UserAccountControl", ScalarType.Int32)
            .AddProperty("ProxyAddresses", isMultiValued: true)
            .AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true))
        .AddEntityType("AD_Group", e => e
            .AddProperty("Dn")
            .AddProperty("Cn")
            .AddProperty("Description")
            .AddNavigationProperty("Members", "AD_User", isMultiValued: true))
        .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf")
        .AddEntityType("HR_Person", e => e.AddProperty("EmployeeId").AddProperty("FirstName").AddProperty("LastName").AddProperty("HireDate").AddProperty("Department"))
        .AddConnector("HR", c => c
            .AddConnection("People", "Csv", [new("Path", "people.csv"), new("Separator", ";")])
            .MapEntityType("HR_Person", "People", "people", m => m
                .Map("EmployeeId", "employee_id", PropertyKey.Primary)
                .Map("FirstName", "first_name")
                .Map("LastName", "last_name")
                .Map("HireDate", "hire_date")
                .Map("Department", "department"))
            .ConfigureThresholds(Off))
        // G4: each person should hold a directory account with these values.
        .AddResourceType("AD_Nominative", "AD", "HR_Person", "AD_User", r =>
        {
            r.CorrelationRules.Add(new Configuration.CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId" });
            r.TypeRules.Add(new Configuration.TypeRuleOptions());
            r.ScalarRules.Add(new Configuration.ScalarRuleOptions { Property = "Sam", Value = "lower('u' + substring(Owner.EmployeeId, 1))", CreateOnly = true });
            r.ScalarRules.Add(new Configuration.ScalarRuleOptions { Property = "EmployeeId", Value = "Owner.EmployeeId" });
            r.ScalarRules.Add(new Configuration.ScalarRuleOptions { Property = "DisplayName", Value = "Owner.LastName + ', ' + Owner.FirstName" });
            r.ScalarRules.Add(new Configuration.ScalarRuleOptions { Property = "Department", Value = "Owner.Department" });
            r.Thresholds.MaxOrdersPercent = 0;
        })
        .AddConnector("AD", c => c
            .AddConnection("Export", "Csv", [new("Path", "{table}.csv")])
            .MapEntityType("AD_User", "Export", "users", m => m
                .Map("Dn", "dn", PropertyKey.Primary)
                .Map("ObjectGuid", "objectGUID", format: ValueFormat.ObjectGuid)
                .Map("Sam", "sAMAccountName", PropertyKey.Unique)
                .Map("Upn", "userPrincipalName")
                .Map("EmployeeId", "employeeID")
                .Map("GivenName", "givenName")
                .Map("Surname", "sn")
                .Map("DisplayName", "displayName")
                .Map("Mail", "mail")
                .Map("Title", "title")
                .Map("Department", "department")
                .Map("Company", "company")
                .Map("Office", "office")
                .Map("Telephone", "telephoneNumber")
                .Map("Mobile", "mobile")
                .Map("ManagerDn", "manager")
                .Map("WhenCreated", "whenCreated", format: ValueFormat.GeneralizedTime)
                .Map("LastLogon", "lastLogonTimestamp", format: ValueFormat.FileTime)
                .Map("UserAccountControl", "userAccountControl")
                .Map("ProxyAddresses", "proxyAddresses", separator: ";"))
            .MapEntityType("AD_Group", "Export", "groups", m => m
                .Map("Dn", "dn", PropertyKey.Primary)
                .Map("Cn", "cn")
                .Map("Description", "description"))
            .MapAssociation("AD_Membership", "Export", "members", "group_dn", "member_dn")
            .ConfigureThresholds(Off))
        .Build();

    /// <summary>The generated data measures the engine, not the safety net: a 1 % change of a million accounts exceeds the default counts.</summary>
    private static void Off(Configuration.ConnectorThresholdOptions t)
    {
        t.Resources.MaxInserted = t.Resources.MaxUpdated = t.Resources.MaxDeleted = 0;
        t.Resources.MaxInsertedPercent = t.Resources.MaxUpdatedPercent = t.Resources.MaxDeletedPercent = 0;
        t.Links.MaxInserted = t.Links.MaxDeleted = 0;
        t.Links.MaxInsertedPercent = t.Links.MaxDeletedPercent = 0;
    }
}

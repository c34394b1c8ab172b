using IdentitySync.Configuration;
using IdentitySync.Model;

namespace IdentitySync.Tests.Samples;

/// <summary>The code-first twin of <c>Samples/three-connectors.json</c>: an HR system, an Active Directory, an application provisioned by tickets.</summary>
internal static class ThreeConnectorSample
{
    public const string JsonFile = "Samples/three-connectors.json";

    public static IdentityModelBuilder CodeFirst() => new IdentityModelBuilder()
        .AddEntityType("Identity", e => e
            .AddProperty("EmployeeId")
            .AddProperty("FirstName")
            .AddProperty("LastName")
            .AddProperty("Email")
            .AddProperty("StartDate", ScalarType.DateTime)
            .AddProperty("IsActive", ScalarType.Bool)
            .AddNavigationProperty("Manager", "Identity")
            .AddNavigationProperty("DirectReports", "Identity", isMultiValued: true))
        .AddEntityType("HR_Person", e => e
            .AddProperty("EmployeeId")
            .AddProperty("FirstName")
            .AddProperty("LastName")
            .AddProperty("HireDate", ScalarType.DateTime)
            .AddProperty("Fte", ScalarType.Double)
            .AddProperty("IsContractor", ScalarType.Bool)
            .AddNavigationProperty("Organization", "HR_Organization")
            .AddNavigationProperty("Manager", "HR_Person")
            .AddNavigationProperty("DirectReports", "HR_Person", isMultiValued: true))
        .AddEntityType("HR_Organization", e => e
            .AddProperty("Code")
            .AddProperty("Name")
            .AddNavigationProperty("Members", "HR_Person", isMultiValued: true))
        .AddEntityType("AD_User", e => e
            .AddProperty("Dn")
            .AddProperty("ObjectGuid", ScalarType.Guid)
            .AddProperty("SamAccountName")
            .AddProperty("EmployeeId")
            .AddProperty("DisplayName")
            .AddProperty("WhenCreated", ScalarType.DateTime)
            .AddProperty("LastLogon", ScalarType.DateTime)
            .AddProperty("ProxyAddresses", isMultiValued: true)
            .AddNavigationProperty("MemberOf", "AD_Group", isMultiValued: true)
            .AddNavigationProperty("Manager", "AD_User")
            .AddNavigationProperty("DirectReports", "AD_User", isMultiValued: true))
        .AddEntityType("AD_Group", e => e
            .AddProperty("Dn")
            .AddProperty("Cn")
            .AddNavigationProperty("Members", "AD_User", isMultiValued: true))
        .AddEntityType("App_Account", e => e
            .AddProperty("Login")
            .AddProperty("Role")
            .AddProperty("Enabled", ScalarType.Bool))
        .AddAssociation("IdentityManager", "Identity.Manager", "Identity.DirectReports", AssociationCardinality.OneToMany)
        .AddAssociation("HR_PersonOrganization", "HR_Person.Organization", "HR_Organization.Members")
        .AddAssociation("HR_PersonManager", "HR_Person.Manager", "HR_Person.DirectReports")
        .AddAssociation("AD_Membership", "AD_Group.Members", "AD_User.MemberOf", AssociationCardinality.ManyToMany)
        .AddAssociation("AD_UserManager", "AD_User.Manager", "AD_User.DirectReports")
        .AddConnector("HR", c => c
            .AddConnection("People", "Csv", Settings(("Path", "hr/people.csv"), ("Separator", ";")))
            .AddConnection("Organizations", "Csv", Settings(("Path", "hr/organizations.csv"), ("Separator", ";")))
            .MapEntityType("HR_Person", "People", "people", m => m
                .Map("EmployeeId", "employee_id", PropertyKey.Primary)
                .Map("FirstName", "first_name")
                .Map("LastName", "last_name")
                .Map("HireDate", "hire_date", format: ValueFormat.DatePattern("dd/MM/yyyy"))
                .Map("Fte", "fte")
                .Map("IsContractor", "contractor", format: ValueFormat.BoolWords("Y", "N"))
                .ConfigureThresholds(t => t.MaxDeleted = 20))
            .MapEntityType("HR_Organization", "Organizations", "organizations", m => m
                .Map("Code", "code", PropertyKey.Primary)
                .Map("Name", "name"))
            .MapAssociation("HR_PersonOrganization", "People", "people", "employee_id", "org_code")
            .MapAssociation("HR_PersonManager", "People", "people", "employee_id", "manager_id")
            .ConfigureThresholds(t => t.Resources.MaxDeletedPercent = 2))
        .AddConnector("AD", c => c
            .AddConnection("Export", "Csv", Settings(("Path", "ad/{table}.csv")))
            .MapEntityType("AD_User", "Export", "users", m => m
                .Map("ObjectGuid", "objectGUID", PropertyKey.Primary, ValueFormat.ObjectGuid)
                .Map("Dn", "dn", PropertyKey.Unique, ignoreCase: true)
                .Map("SamAccountName", "sAMAccountName", PropertyKey.Unique)
                .Map("EmployeeId", "employeeID")
                .Map("DisplayName", "displayName")
                .Map("WhenCreated", "whenCreated", format: ValueFormat.GeneralizedTime)
                .Map("LastLogon", "lastLogonTimestamp", format: ValueFormat.FileTime)
                .Map("ProxyAddresses", "proxyAddresses", separator: ";"))
            .MapEntityType("AD_Group", "Export", "groups", m => m
                .Map("Dn", "dn", PropertyKey.Primary)
                .Map("Cn", "cn"))
            .MapAssociation("AD_Membership", "Export", "members", "group_dn", "member_dn", secondKey: "Dn", thresholds: t => t.MaxDeletedPercent = 10)
            .MapAssociation("AD_UserManager", "Export", "users", "dn", "manager", firstKey: "Dn", secondKey: "Dn"))
        .AddConnector("App", c =>
        {
            c.AddConnection("Accounts", "Csv", Settings(("Path", "app/accounts.csv")))
                .AddConnection("Tickets", "ManualTicket")
                .MapEntityType("App_Account", "Accounts", "accounts", m => m
                    .Map("Login", key: PropertyKey.Primary)
                    .Map("Role")
                    .Map("Enabled"));
            c.Options.Connections[0].IsFulfillDeactivated = true;
            c.Options.Connections[1].IsExportDeactivated = true;
        })
        .AddResourceType("HR_Identity", "HR", "HR_Person", "Identity", r =>
        {
            r.DisplayName = "Identity from HR";
            r.RemoveOrphans = true;
        })
        .AddResourceType("AD_NominativeUser", "AD", "Identity", "AD_User", r =>
        {
            r.DisplayName = "AD User (nominative)";
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Owner.EmployeeId", Account = "Account.EmployeeId", Confidence = 120 });
            r.CorrelationRules.Add(new CorrelationRuleOptions { Owner = "simplify(Owner.FirstName) + '.' + simplify(Owner.LastName)", Account = "lower(Account.SamAccountName)", Confidence = 90 });
        })
        .AddResourceType("AD_AdminUser", "AD", "Identity", "AD_User", r =>
        {
            r.DisplayName = "AD User (administration)";
            r.AllowAdd = false;
            r.RequireReview = true;
            r.AllowMultiplePerOwner = true;
            r.ClassificationRules.Add(new ClassificationRuleOptions { Predicate = "startsWith(Account.SamAccountName, 'adm-')" });
        })
        .AddResourceType("App_User", "App", "Identity", "App_Account", r =>
        {
            r.DependsOn.Add("AD_NominativeUser");
            r.Thresholds.MaxOrders = 50;
            r.Thresholds.MaxOrdersPercent = 10;
            r.TransmittedTimeout = TimeSpan.FromDays(3);
        });

    private static KeyValuePair<string, string>[] Settings(params (string Key, string Value)[] settings) =>
        [.. settings.Select(static s => KeyValuePair.Create(s.Key, s.Value))];
}

namespace IdentitySync.Cli;

/// <summary>The demo's identitysync.json, commented for a first reader.</summary>
internal static class DemoConfiguration
{
    public const string Json = """
        {
          // The demo company's configuration. Every setting is described in docs/configuration.md.
          "IdentitySync": {
            "EntityTypes": [
              // The central repository's identities: no connector maps them; HR feeds them through the internal workflow
              // (the HR_Identity resource type below). The first property is their key.
              {
                "Name": "Identity",
                "Properties": [
                  { "Name": "EmployeeId" }, { "Name": "FirstName" }, { "Name": "LastName" }, { "Name": "Login" }, { "Name": "OrganizationCode" },
                  { "Name": "IsActive", "Type": "Bool" }, { "Name": "EndDate", "Type": "DateTime" }
                ]
              },
              // What the HR system exports.
              {
                "Name": "HR_Person",
                "Properties": [
                  { "Name": "EmployeeId" }, { "Name": "FirstName" }, { "Name": "LastName" },
                  { "Name": "HireDate", "Type": "DateTime" }, { "Name": "Fte", "Type": "Double" }, { "Name": "IsContractor", "Type": "Bool" }
                ],
                "NavigationProperties": [
                  { "Name": "Organization", "Target": "HR_Organization" },
                  { "Name": "Manager", "Target": "HR_Person" },
                  { "Name": "DirectReports", "Target": "HR_Person", "IsMultiValued": true }
                ]
              },
              {
                "Name": "HR_Organization",
                "Properties": [ { "Name": "Code" }, { "Name": "Name" } ],
                "NavigationProperties": [ { "Name": "Members", "Target": "HR_Person", "IsMultiValued": true } ]
              },
              // What the Active Directory export holds.
              {
                "Name": "AD_User",
                "Properties": [
                  { "Name": "ObjectGuid", "Type": "Guid" }, { "Name": "Dn" }, { "Name": "SamAccountName" }, { "Name": "EmployeeId" },
                  { "Name": "DisplayName" }, { "Name": "WhenCreated", "Type": "DateTime" }, { "Name": "LastLogon", "Type": "DateTime" },
                  { "Name": "ProxyAddresses", "IsMultiValued": true }
                ],
                "NavigationProperties": [
                  { "Name": "MemberOf", "Target": "AD_Group", "IsMultiValued": true },
                  { "Name": "Manager", "Target": "AD_User" },
                  { "Name": "DirectReports", "Target": "AD_User", "IsMultiValued": true }
                ]
              },
              {
                "Name": "AD_Group",
                "Properties": [ { "Name": "Dn" }, { "Name": "Cn" } ],
                "NavigationProperties": [ { "Name": "Members", "Target": "AD_User", "IsMultiValued": true } ]
              },
              // An application whose accounts are created by hand from tickets.
              {
                "Name": "App_Account",
                "Properties": [ { "Name": "Login" }, { "Name": "Role" }, { "Name": "Enabled", "Type": "Bool" } ]
              }
            ],
            // Each association pairs a navigation property with its inverse.
            "Associations": [
              { "Name": "HR_PersonOrganization", "First": "HR_Person.Organization", "Second": "HR_Organization.Members" },
              { "Name": "HR_PersonManager", "First": "HR_Person.Manager", "Second": "HR_Person.DirectReports" },
              { "Name": "AD_Membership", "First": "AD_Group.Members", "Second": "AD_User.MemberOf" },
              { "Name": "AD_UserManager", "First": "AD_User.Manager", "Second": "AD_User.DirectReports" }
            ],
            "Connectors": [
              {
                "Name": "HR",
                "Connections": [
                  // CSV files; paths are relative to this file. A header row is required.
                  { "Name": "People", "Package": "Csv", "Settings": { "Path": "hr/people.csv", "Separator": ";" } },
                  { "Name": "Organizations", "Package": "Csv", "Settings": { "Path": "hr/organizations.csv", "Separator": ";" } }
                ],
                "Mappings": [
                  {
                    "EntityType": "HR_Person", "Connection": "People", "Table": "people",
                    "Properties": [
                      { "Property": "EmployeeId", "Column": "employee_id", "Key": "Primary" },
                      { "Property": "FirstName", "Column": "first_name" },
                      { "Property": "LastName", "Column": "last_name" },
                      { "Property": "HireDate", "Column": "hire_date", "Format": "pattern:dd/MM/yyyy" },
                      { "Property": "Fte", "Column": "fte" },
                      { "Property": "IsContractor", "Column": "contractor", "Format": "bool:Y|N" }
                    ]
                  },
                  {
                    "EntityType": "HR_Organization", "Connection": "Organizations", "Table": "organizations",
                    "Properties": [ { "Property": "Code", "Column": "code", "Key": "Primary" }, { "Property": "Name", "Column": "name" } ]
                  }
                ],
                "AssociationMappings": [
                  { "Association": "HR_PersonOrganization", "Connection": "People", "Table": "people", "FirstColumn": "employee_id", "SecondColumn": "org_code" },
                  { "Association": "HR_PersonManager", "Connection": "People", "Table": "people", "FirstColumn": "employee_id", "SecondColumn": "manager_id" }
                ],
                // The safety net: block a run that deletes more than 10 people or 20 % of them. In a company this
                // small one person is 2.5 %, so the default 5 % limits would block an ordinary week: raise them.
                "Thresholds": {
                  "Resources": { "MaxDeleted": 10, "MaxInsertedPercent": 20, "MaxUpdatedPercent": 20, "MaxDeletedPercent": 20 },
                  "Links": { "MaxInsertedPercent": 20, "MaxDeletedPercent": 20 }
                }
              },
              {
                "Name": "AD",
                // {table} stands for the table's name: ad/users.csv, ad/groups.csv, ad/members.csv.
                "Connections": [
                  { "Name": "Export", "Package": "Csv", "Settings": { "Path": "ad/{table}.csv" } },
                  // Orders are written as JSON files into ad/orders for the directory team's script, which answers with a results file.
                  { "Name": "Provisioning", "Package": "OrderFile", "Settings": { "Directory": "ad/orders" } }
                ],
                "Mappings": [
                  {
                    "EntityType": "AD_User", "Connection": "Export", "Table": "users",
                    "Properties": [
                      { "Property": "ObjectGuid", "Column": "objectGUID", "Key": "Primary", "Format": "ObjectGuid" },
                      // Distinguished names compare without case, as in the directory.
                      { "Property": "Dn", "Column": "dn", "Key": "Unique", "IgnoreCase": true },
                      { "Property": "SamAccountName", "Column": "sAMAccountName", "Key": "Unique" },
                      { "Property": "EmployeeId", "Column": "employeeID" },
                      { "Property": "DisplayName", "Column": "displayName" },
                      { "Property": "WhenCreated", "Column": "whenCreated", "Format": "GeneralizedTime" },
                      { "Property": "LastLogon", "Column": "lastLogonTimestamp", "Format": "FileTime" },
                      { "Property": "ProxyAddresses", "Column": "proxyAddresses", "Separator": ";" }
                    ]
                  },
                  {
                    "EntityType": "AD_Group", "Connection": "Export", "Table": "groups",
                    "Properties": [ { "Property": "Dn", "Column": "dn", "Key": "Primary" }, { "Property": "Cn", "Column": "cn" } ]
                  }
                ],
                "AssociationMappings": [
                  // Members are named by distinguished name, a unique key of AD_User.
                  { "Association": "AD_Membership", "Connection": "Export", "Table": "members", "FirstColumn": "group_dn", "SecondColumn": "member_dn", "SecondKey": "Dn" },
                  { "Association": "AD_UserManager", "Connection": "Export", "Table": "users", "FirstColumn": "dn", "FirstKey": "Dn", "SecondColumn": "manager", "SecondKey": "Dn" }
                ],
                // The default thresholds (100 resources and 5 % per run, 1000 links and 5 %) are raised here for the
                // same reason as HR's: four joiners are 10 % of this small directory.
                "Thresholds": {
                  "Resources": { "MaxInsertedPercent": 20, "MaxUpdatedPercent": 20, "MaxDeletedPercent": 20 },
                  "Links": { "MaxInsertedPercent": 20, "MaxDeletedPercent": 20 }
                }
              },
              {
                "Name": "App",
                "Connections": [ { "Name": "Accounts", "Package": "Csv", "Settings": { "Path": "app/accounts.csv" } } ],
                "Mappings": [
                  {
                    "EntityType": "App_Account", "Connection": "Accounts", "Table": "accounts",
                    "Properties": [ { "Property": "Login", "Key": "Primary" }, { "Property": "Role" }, { "Property": "Enabled" } ]
                  }
                ],
                // Tickets add many accounts at once to this small application: only deletions stay guarded by percentage.
                "Thresholds": { "Resources": { "MaxInsertedPercent": 0, "MaxUpdatedPercent": 20, "MaxDeletedPercent": 20 } }
              }
            ],
            // Resource types give accounts an intent and a policy; categorization and provisioning use them.
            // Categorization uses CorrelationRules and ClassificationRules; provisioning uses TypeRules, ScalarRules,
            // NavigationRules and QueryRules (docs/provisioning.md).
            "ResourceTypes": [
              {
                // HR people become identities. Identity is a repository type, so the internal workflow fulfills these
                // orders at once: Added creates the identity, Modified updates it, Deleted ends it (inactive, end date).
                "Name": "HR_Identity", "DisplayName": "Identity (from HR)", "Connector": "HR", "OwnerEntityType": "HR_Person", "TargetEntityType": "Identity",
                "CorrelationRules": [ { "Owner": "Owner.EmployeeId", "Account": "Account.EmployeeId" } ],
                "TypeRules": [ { "Criteria": "not(isEmpty(Owner.EmployeeId))" } ],
                // Ownership: HR is authoritative for names (a manual edit is overwritten, and the report says so);
                // the login is set once; other sources or people may own the rest.
                "ScalarRules": [
                  { "Property": "EmployeeId", "Value": "Owner.EmployeeId" },
                  { "Property": "FirstName", "Value": "Owner.FirstName", "Ownership": "Authoritative" },
                  { "Property": "LastName", "Value": "Owner.LastName", "Ownership": "Authoritative" },
                  { "Property": "Login", "Value": "simplify(substring(Owner.FirstName, 0, 1) + Owner.LastName)", "Ownership": "CreateOnly" },
                  { "Property": "OrganizationCode", "Value": "Owner.Organization.Code" }
                ],
                "RemoveOrphans": true,
                "Workflow": { "ActiveProperty": "IsActive", "EndDateProperty": "EndDate" }
              },
              {
                "Name": "AD_NominativeUser", "DisplayName": "AD User (nominative)", "Connector": "AD", "OwnerEntityType": "Identity", "TargetEntityType": "AD_User",
                // Rules in the expression language (docs/expressions.md); from confidence 100 the owner is set, below it is suggested.
                "CorrelationRules": [
                  { "Owner": "Owner.EmployeeId", "Account": "Account.EmployeeId", "Confidence": 120 },
                  { "Owner": "simplify(Owner.LastName) + simplify(Owner.FirstName)", "Account": "simplify(Account.DisplayName)", "Confidence": 80 }
                ],
                // Provisioning: every active identity gets an account with these values, in the Staff group and in
                // the group of their organization; an ended identity's account is removed.
                "TypeRules": [ { "Criteria": "equals(Owner.IsActive, 'true')" } ],
                "ScalarRules": [
                  { "Property": "SamAccountName", "Value": "Owner.Login", "CreateOnly": true },
                  { "Property": "Dn", "Value": "'CN=' + Owner.Login + ',OU=Users,DC=demo,DC=test'", "CreateOnly": true },
                  { "Property": "EmployeeId", "Value": "Owner.EmployeeId" },
                  { "Property": "DisplayName", "Value": "Owner.LastName + ', ' + Owner.FirstName", "Comparison": "IgnoreCase" }
                ],
                "NavigationRules": [ { "Property": "MemberOf", "Target": "CN=Staff,OU=Groups,DC=demo,DC=test" } ],
                "QueryRules": [ { "Property": "MemberOf", "Owner": "'GG_' + Owner.OrganizationCode", "Target": "Target.Cn" } ]
              },
              {
                "Name": "AD_AdminUser", "DisplayName": "AD User (administration)", "Connector": "AD", "OwnerEntityType": "Identity", "TargetEntityType": "AD_User",
                "AllowAdd": false, "RequireReview": true,
                "ClassificationRules": [ { "Predicate": "startsWith(Account.SamAccountName, 'adm-')" } ]
              },
              {
                "Name": "App_User", "DisplayName": "Application user (manual tickets)", "Connector": "App", "OwnerEntityType": "Identity", "TargetEntityType": "App_Account",
                "CorrelationRules": [ { "Owner": "Owner.Login", "Account": "Account.Login" } ],
                // Active people of Finance and Sales use the application; their accounts come after their directory account.
                "TypeRules": [ { "Criteria": "and(equals(Owner.IsActive, 'true'), in(Owner.OrganizationCode, 'FIN', 'SAL'))" } ],
                "DependsOn": [ "AD_NominativeUser" ],
                "ScalarRules": [
                  { "Property": "Login", "Value": "Owner.Login", "CreateOnly": true },
                  { "Property": "Enabled", "Value": "'true'" }
                ],
                // The App connector has no connection that writes: its orders become tickets for a person.
                // Thresholds: at most 30 orders a run, whatever the percentage of this small application.
                "Thresholds": { "MaxOrders": 30, "MaxOrdersPercent": 0 }
              }
            ]
          },
          // The embedded SQLite store, relative to this file.
          "Store": { "Path": "identitysync.db" }
        }
        """;
}

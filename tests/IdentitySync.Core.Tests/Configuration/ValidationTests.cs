using IdentitySync.Model;
using IdentitySync.Configuration;
using IdentitySync.Tests.Samples;

namespace IdentitySync.Tests.Configuration;

/// <summary>Each validation rule, broken once in an otherwise valid model, with its exact message.</summary>
public sealed class ValidationTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        static TestCaseData Case(string name, Action<IdentitySyncOptions> breakIt, params string[] expected) =>
            new TestCaseData(breakIt, expected).SetName("Validate_" + name + "_ReportsIt");

        yield return Case(
            "EntityTypeNameStartingWithDigit",
            o => o.EntityTypes.Add(new EntityTypeOptions { Name = "2Users" }),
            "EntityTypes[2Users].Name: '2Users' is not a valid identifier; use letters, digits and '_', not starting with a digit");
        yield return Case(
            "EntityTypeNameWithSpace",
            o => o.EntityTypes.Add(new EntityTypeOptions { Name = "AD User" }),
            "EntityTypes[AD User].Name: 'AD User' is not a valid identifier; use letters, digits and '_', not starting with a digit");
        yield return Case(
            "EntityTypeWithoutName",
            o => o.EntityTypes.Add(new EntityTypeOptions()),
            "EntityTypes[#3].Name: required; give the entity type an identifier (use letters, digits and '_', not starting with a digit)");
        yield return Case(
            "EntityTypeNameDifferingOnlyInCase",
            o => o.EntityTypes.Add(new EntityTypeOptions { Name = "identity" }),
            "EntityTypes[identity].Name: duplicate entity type name 'identity' (names are case-insensitive); each entity type needs its own name");
        yield return Case(
            "PropertyNamesDifferingOnlyInCase",
            o => o.EntityTypes[0].Properties.Add(new ScalarPropertyOptions { Name = "employeeid" }),
            "EntityTypes[Identity].Properties[employeeid].Name: duplicate property name 'employeeid' (names are case-insensitive, scalar and navigation properties alike); each property needs its own name");
        yield return Case(
            "NavigationNamedLikeAScalarProperty",
            o => o.EntityTypes[2].NavigationProperties[0].Name = "dn",
            "EntityTypes[AD_Group].NavigationProperties[dn].Name: duplicate property name 'dn' (names are case-insensitive, scalar and navigation properties alike); each property needs its own name",
            "EntityTypes[AD_Group].NavigationProperties[dn].Name: 'AD_Group.dn' is not paired by any association; declare an association whose First or Second is 'AD_Group.dn' and whose other side is its inverse",
            "Associations[AD_Membership].First: entity type 'AD_Group' has no navigation property 'Members'; declared: dn");
        yield return Case(
            "UnknownScalarType",
            o => o.EntityTypes[0].Properties[1].Type = (ScalarType)99,
            "EntityTypes[Identity].Properties[Name].Type: '99' is not a scalar type; allowed: String, Int32, Int64, Bool, DateTime, Guid, Double, Binary");
        yield return Case(
            "NavigationToUnknownEntityType",
            o => o.EntityTypes[0].NavigationProperties.Add(new NavigationPropertyOptions { Name = "Manager", Target = "Person" }),
            "EntityTypes[Identity].NavigationProperties[Manager].Name: 'Identity.Manager' is not paired by any association; declare an association whose First or Second is 'Identity.Manager' and whose other side is its inverse",
            "EntityTypes[Identity].NavigationProperties[Manager].Target: unknown entity type 'Person'; declared: Identity, AD_User, AD_Group");
        yield return Case(
            "NavigationInTwoAssociations",
            o => o.Associations.Add(new AssociationOptions { Name = "Again", First = "AD_User.MemberOf", Second = "AD_Group.Members" }),
            "EntityTypes[AD_User].NavigationProperties[MemberOf].Name: 'AD_User.MemberOf' is a side of several associations (AD_Membership, Again); a navigation property belongs to exactly one association",
            "EntityTypes[AD_Group].NavigationProperties[Members].Name: 'AD_Group.Members' is a side of several associations (AD_Membership, Again); a navigation property belongs to exactly one association");
        yield return Case(
            "AssociationSideWithoutDot",
            o => o.Associations[0].First = "AD_GroupMembers",
            "EntityTypes[AD_Group].NavigationProperties[Members].Name: 'AD_Group.Members' is not paired by any association; declare an association whose First or Second is 'AD_Group.Members' and whose other side is its inverse",
            "Associations[AD_Membership].First: 'AD_GroupMembers' is not of the form EntityType.NavigationProperty, for example Group.member");
        yield return Case(
            "AssociationSideOnUnknownEntityType",
            o => o.Associations[0].Second = "User.MemberOf",
            "EntityTypes[AD_User].NavigationProperties[MemberOf].Name: 'AD_User.MemberOf' is not paired by any association; declare an association whose First or Second is 'AD_User.MemberOf' and whose other side is its inverse",
            "Associations[AD_Membership].Second: unknown entity type 'User'; declared: Identity, AD_User, AD_Group");
        yield return Case(
            "AssociationSidesNotEachOthersInverse",
            o =>
            {
                o.EntityTypes[0].NavigationProperties.Add(new NavigationPropertyOptions { Name = "Accounts", Target = "AD_User", IsMultiValued = true });
                o.Associations[0].First = "Identity.Accounts";
                o.Associations.Add(new AssociationOptions { Name = "Other", First = "AD_Group.Members", Second = "Identity.Accounts" });
            },
            "EntityTypes[Identity].NavigationProperties[Accounts].Name: 'Identity.Accounts' is a side of several associations (AD_Membership, Other); a navigation property belongs to exactly one association",
            "Associations[AD_Membership].Second: 'AD_User.MemberOf' refers to 'AD_Group', but the first side is declared by 'Identity'; the two sides must refer to each other's entity type",
            "Associations[Other].First: 'AD_Group.Members' refers to 'AD_User', but the second side is declared by 'Identity'; the two sides must refer to each other's entity type",
            "Associations[Other].Second: 'Identity.Accounts' refers to 'AD_User', but the first side is declared by 'AD_Group'; the two sides must refer to each other's entity type",
            "Connectors[AD].AssociationMappings[AD_Membership].FirstKey: connector 'AD' does not map entity type 'Identity' (Identity.Accounts); an association mapping resolves both sides through the connector's own mappings");
        yield return Case(
            "CardinalityThatContradictsTheSides",
            o => o.Associations[0].Cardinality = AssociationCardinality.OneToMany,
            "Associations[AD_Membership].Cardinality: 'OneToMany' does not match the sides (AD_Group.Members is multi-valued, AD_User.MemberOf is multi-valued); expected 'ManyToMany'");
        yield return Case(
            "UnknownCardinality",
            o => o.Associations[0].Cardinality = (AssociationCardinality)99,
            "Associations[AD_Membership].Cardinality: '99' is not a cardinality; allowed: OneToOne, OneToMany, ManyToMany, or leave it out to derive it from the sides");
        yield return Case(
            "UnknownAgent",
            o => o.Connectors[0].Agent = "Remote",
            "Connectors[AD].Agent: unknown agent 'Remote'; the only agent is InProcess, which runs connections inside the host");
        yield return Case(
            "DuplicateConnectionName",
            o => o.Connectors[0].Connections.Add(new ConnectionOptions { Name = "EXPORT", Package = "Csv" }),
            "Connectors[AD].Connections[EXPORT].Name: duplicate connection name 'EXPORT' (names are case-insensitive); each connection needs its own name");
        yield return Case(
            "ConnectionWithoutPackage",
            o => o.Connectors[0].Connections[0].Package = null,
            "Connectors[AD].Connections[Export].Package: required; name the connection package that implements this connection, such as Csv");
        yield return Case(
            "MappingOfUnknownEntityType",
            o => o.Connectors[0].Mappings.Add(new EntityTypeMappingOptions { EntityType = "AD_Contact", Connection = "Export", Table = "contacts", Properties = { new PropertyMappingOptions { Property = "Dn", Key = PropertyKey.Primary } } }),
            "Connectors[AD].Mappings[AD_Contact].EntityType: unknown entity type 'AD_Contact'; declared: Identity, AD_User, AD_Group");
        yield return Case(
            "MappingOfUnknownConnection",
            o => o.Connectors[0].Mappings[0].Connection = "Ldap",
            "Connectors[AD].Mappings[AD_User].Connection: unknown connection 'Ldap' in connector 'AD'; declared: Export");
        yield return Case(
            "MappingWithoutTable",
            o => o.Connectors[0].Mappings[1].Table = " ",
            "Connectors[AD].Mappings[AD_Group].Table: required; name the connection table (for a CSV connection, the table its file is read as)");
        yield return Case(
            "MappingWithoutPrimaryKey",
            o => o.Connectors[0].Mappings[1].Properties[0].Key = PropertyKey.Unique,
            "Connectors[AD].Mappings[AD_Group].PrimaryKey: exactly one property must be the primary key (Key: Primary); found none");
        yield return Case(
            "MappingWithTwoPrimaryKeys",
            o => o.Connectors[0].Mappings[0].Properties[1].Key = PropertyKey.Primary,
            "Connectors[AD].Mappings[AD_User].PrimaryKey: exactly one property must be the primary key (Key: Primary); found 2 (Dn, Sam)");
        yield return Case(
            "MappingWithFourUniqueKeys",
            o =>
            {
                o.Connectors[0].Mappings[0].Properties[2].Key = PropertyKey.Unique;
                o.Connectors[0].Mappings[0].Properties[3].Key = PropertyKey.Unique;
                o.Connectors[0].Mappings[0].Properties.Add(new PropertyMappingOptions { Property = "Mail", Key = PropertyKey.Unique });
            },
            "Connectors[AD].Mappings[AD_User].UniqueKeys: at most 3 properties may be unique keys (Key: Unique); found 4 (Sam, EmployeeId, Created, Mail)");
        yield return Case(
            "UnknownKeyRole",
            o => o.Connectors[0].Mappings[0].Properties[2].Key = (PropertyKey)7,
            "Connectors[AD].Mappings[AD_User].Properties[EmployeeId].Key: '7' is not a key role; allowed: None, Primary, Unique");
        yield return Case(
            "MultiValuedKey",
            o => o.Connectors[0].Mappings[0].Properties[4].Key = PropertyKey.Unique,
            "Connectors[AD].Mappings[AD_User].Properties[Proxies].Key: 'Proxies' is multi-valued and cannot be a unique key; a key holds one value");
        yield return Case(
            "PropertyMappedTwice",
            o => o.Connectors[0].Mappings[0].Properties.Add(new PropertyMappingOptions { Property = "sam", Column = "login" }),
            "Connectors[AD].Mappings[AD_User].Properties[sam].Property: property 'sam' is mapped twice; map each property from one column");
        yield return Case(
            "MappingOfUnknownProperty",
            o => o.Connectors[0].Mappings[1].Properties.Add(new PropertyMappingOptions { Property = "Description" }),
            "Connectors[AD].Mappings[AD_Group].Properties[Description].Property: entity type 'AD_Group' has no scalar property 'Description'; declared: Dn");
        yield return Case(
            "MappingOfNavigationProperty",
            o => o.Connectors[0].Mappings[1].Properties.Add(new PropertyMappingOptions { Property = "Members" }),
            "Connectors[AD].Mappings[AD_Group].Properties[Members].Property: entity type 'AD_Group' has no scalar property 'Members' (navigation properties are fed by association mappings); declared: Dn");
        yield return Case(
            "FormatForAnotherType",
            o => o.Connectors[0].Mappings[0].Properties[1].Format = "GeneralizedTime",
            "Connectors[AD].Mappings[AD_User].Properties[Sam].Format: 'GeneralizedTime' does not apply to String property 'Sam'; allowed for String: (empty: text as is), Sid, DistinguishedName");
        yield return Case(
            "UnknownFormat",
            o => o.Connectors[0].Mappings[0].Properties[3].Format = "Iso",
            "Connectors[AD].Mappings[AD_User].Properties[Created].Format: 'Iso' is not a known format; formats are GeneralizedTime, FileTime, Sid, ObjectGuid, Hex, DistinguishedName, pattern:<.NET date pattern> and bool:<true word>|<false word>");
        yield return Case(
            "DatePatternWithoutPattern",
            o => o.Connectors[0].Mappings[0].Properties[3].Format = "pattern:",
            "Connectors[AD].Mappings[AD_User].Properties[Created].Format: 'pattern:' needs a .NET date pattern after the colon, for example pattern:dd/MM/yyyy");
        yield return Case(
            "SeparatorOnMonoValuedProperty",
            o => o.Connectors[0].Mappings[0].Properties[2].Separator = ";",
            "Connectors[AD].Mappings[AD_User].Properties[EmployeeId].Separator: 'EmployeeId' is mono-valued; a separator applies to multi-valued properties only");
        yield return Case(
            "IgnoreCaseOnANonKey",
            o => o.Connectors[0].Mappings[0].Properties[3].IgnoreCase = true,
            "Connectors[AD].Mappings[AD_User].Properties[Created].IgnoreCase: 'Created' is not a text key; IgnoreCase applies to primary and unique keys of type String with the default format");
        yield return Case(
            "EntityTypeMappedByTwoConnectors",
            o => o.Connectors.Add(new ConnectorOptions
            {
                Name = "AD2",
                Connections = { new ConnectionOptions { Name = "Export", Package = "Csv" } },
                Mappings = { new EntityTypeMappingOptions { EntityType = "AD_Group", Connection = "Export", Table = "groups", Properties = { new PropertyMappingOptions { Property = "Dn", Key = PropertyKey.Primary } } } },
            }),
            "Connectors[AD2].Mappings[AD_Group].EntityType: entity type 'AD_Group' is already mapped by connector 'AD'; an entity type is fed by one connector");
        yield return Case(
            "EntityTypeMappedTwiceInOneConnector",
            o => o.Connectors[0].Mappings.Add(new EntityTypeMappingOptions { EntityType = "ad_group", Connection = "Export", Table = "groups2", Properties = { new PropertyMappingOptions { Property = "Dn", Key = PropertyKey.Primary } } }),
            "Connectors[AD].Mappings[ad_group].EntityType: entity type 'ad_group' is mapped twice in this connector; map it once, with all its properties");
        yield return Case(
            "NegativeCountThreshold",
            o => o.Connectors[0].Mappings[0].Thresholds.MaxUpdated = -1,
            "Connectors[AD].Mappings[AD_User].Thresholds.MaxUpdated: -1 is out of range; a count is 0 (off) or more");
        yield return Case(
            "PercentThresholdOver100",
            o => o.Connectors[0].Thresholds.Links.MaxInsertedPercent = 100.5,
            "Connectors[AD].Thresholds.Links.MaxInsertedPercent: 100.5 is out of range; a percentage is from 0 (off) to 100");
        yield return Case(
            "NegativeAssociationMappingThreshold",
            o => o.Connectors[0].AssociationMappings[0].Thresholds.MaxDeletedPercent = -5,
            "Connectors[AD].AssociationMappings[AD_Membership].Thresholds.MaxDeletedPercent: -5 is out of range; a percentage is from 0 (off) to 100");
        yield return Case(
            "AssociationMappingOfUnknownAssociation",
            o => o.Connectors[0].AssociationMappings[0].Association = "Membership",
            "Connectors[AD].AssociationMappings[Membership].Association: unknown association 'Membership'; declared: AD_Membership");
        yield return Case(
            "AssociationMappingKeyThatIsNoKey",
            o => o.Connectors[0].AssociationMappings[0].SecondKey = "EmployeeId",
            "Connectors[AD].AssociationMappings[AD_Membership].SecondKey: 'EmployeeId' is not a primary or unique key of the mapping of 'AD_User'; its keys: Dn, Sam");
        yield return Case(
            "AssociationMappingWithoutColumn",
            o => o.Connectors[0].AssociationMappings[0].FirstColumn = null,
            "Connectors[AD].AssociationMappings[AD_Membership].FirstColumn: required; name the column that holds the first side's key values");
        yield return Case(
            "AssociationMappingSideNotMappedByTheConnector",
            o => o.Connectors[0].Mappings.RemoveAt(1),
            "Connectors[AD].AssociationMappings[AD_Membership].FirstKey: connector 'AD' does not map entity type 'AD_Group' (AD_Group.Members); an association mapping resolves both sides through the connector's own mappings");
        yield return Case(
            "ResourceTypeOfUnknownConnectorAndOwner",
            o =>
            {
                o.ResourceTypes[0].Connector = "LDAP";
                o.ResourceTypes[0].OwnerEntityType = "Person";
            },
            "ResourceTypes[AD_Nominative].Connector: unknown connector 'LDAP'; declared: AD",
            "ResourceTypes[AD_Nominative].OwnerEntityType: unknown entity type 'Person'; declared: Identity, AD_User, AD_Group");
        yield return Case(
            "ResourceTypeOfUnknownTarget",
            o => o.ResourceTypes[0].TargetEntityType = "AD_Contact",
            "ResourceTypes[AD_Nominative].TargetEntityType: unknown entity type 'AD_Contact'; declared: Identity, AD_User, AD_Group");
        yield return Case(
            "ResourceTypeTargetOfAnotherConnector",
            o =>
            {
                o.Connectors.Add(new ConnectorOptions { Name = "App" });
                o.ResourceTypes[0].Connector = "App";
            },
            "ResourceTypes[AD_Nominative].TargetEntityType: entity type 'AD_User' is mapped by connector 'AD', not by 'App'; a resource type's targets belong to its connector, or to no connector (repository types such as identities)");
        yield return Case(
            "ResourceTypeDependingOnUnknownType",
            o => o.ResourceTypes[0].DependsOn.Add("AD_Admin"),
            "ResourceTypes[AD_Nominative].DependsOn[0]: unknown resource type 'AD_Admin'; declared: AD_Nominative");
        yield return Case(
            "ResourceTypeDependingOnItself",
            o => o.ResourceTypes[0].DependsOn.Add("ad_nominative"),
            "ResourceTypes[AD_Nominative].DependsOn[0]: 'ad_nominative' cannot depend on itself");
        yield return Case(
            "ResourceTypeDependencyCycle",
            o =>
            {
                o.ResourceTypes.Add(new ResourceTypeOptions { Name = "AD_Admin", Connector = "AD", OwnerEntityType = "Identity", TargetEntityType = "AD_User", DependsOn = { "AD_Nominative" } });
                o.ResourceTypes[0].DependsOn.Add("AD_Admin");
            },
            "ResourceTypes[AD_Nominative].DependsOn: the dependencies form a cycle (AD_Nominative -> AD_Admin -> AD_Nominative); remove one of them",
            "ResourceTypes[AD_Admin].DependsOn: the dependencies form a cycle (AD_Admin -> AD_Nominative -> AD_Admin); remove one of them");
        yield return Case(
            "NonPositiveTransmittedTimeout",
            o => o.ResourceTypes[0].TransmittedTimeout = TimeSpan.Zero,
            "ResourceTypes[AD_Nominative].TransmittedTimeout: 00:00:00 is out of range; give a positive duration such as 1.00:00:00 (one day)");
        yield return Case(
            "NegativeArchiveAfter",
            o => o.ResourceTypes[0].ArchiveAfter = TimeSpan.FromDays(-1),
            "ResourceTypes[AD_Nominative].ArchiveAfter: -1.00:00:00 is out of range; give a positive duration such as 90.00:00:00 (ninety days), or leave it out to keep every order");
        yield return Case(
            "ProvisioningPercentOutOfRange",
            o => o.ResourceTypes[0].Thresholds.MaxOrdersPercent = 130,
            "ResourceTypes[AD_Nominative].Thresholds.MaxOrdersPercent: 130 is out of range; a percentage is from 0 (off) to 100");
        yield return Case(
            "CorrelationRuleWithSyntaxError",
            o => o.ResourceTypes[0].CorrelationRules.Add(new CorrelationRuleOptions { Owner = "lower(Owner.EmployeeId", Account = "Account.EmployeeId" }),
            "ResourceTypes[AD_Nominative].CorrelationRules[0].Owner: ',' or ')' expected in the arguments of lower (at position 23 of 'lower(Owner.EmployeeId')");
        yield return Case(
            "CorrelationRuleReadingTheWrongSide",
            o => o.ResourceTypes[0].CorrelationRules.Add(new CorrelationRuleOptions { Owner = "Account.EmployeeId", Account = "Account.Sam", Confidence = 90 }),
            "ResourceTypes[AD_Nominative].CorrelationRules[0].Owner: at position 1: 'Account' is not available here; use Owner (in 'Account.EmployeeId')");
        yield return Case(
            "CorrelationRuleWithUnknownProperty",
            o => o.ResourceTypes[0].CorrelationRules.Add(new CorrelationRuleOptions { Owner = "simplify(Owner.Name)", Account = "Account.Login" }),
            "ResourceTypes[AD_Nominative].CorrelationRules[0].Account: at position 1: entity type 'AD_User' has no property 'Login' in 'Account.Login'; it has: Dn, Sam, EmployeeId, Mail, Created, Proxies, MemberOf (in 'Account.Login')");
        yield return Case(
            "CorrelationRuleWithPredicateAndBadConfidence",
            o => o.ResourceTypes[0].CorrelationRules.Add(new CorrelationRuleOptions { Owner = "isEmpty(Owner.Name)", Account = "Account.Sam", Confidence = 151 }),
            "ResourceTypes[AD_Nominative].CorrelationRules[0].Owner: 'isEmpty(Owner.Name)' computes a yes-or-no answer; this rule needs a value",
            "ResourceTypes[AD_Nominative].CorrelationRules[0].Confidence: 151 is out of range; a confidence is from 0 to 150 (100 and more: applied; below: a suggestion to review)");
        yield return Case(
            "ClassificationRuleWithoutPredicate",
            o => o.ResourceTypes[0].ClassificationRules.Add(new ClassificationRuleOptions { Predicate = " " }),
            "ResourceTypes[AD_Nominative].ClassificationRules[0].Predicate: required; give a yes-or-no answer over Account, for example startsWith(Account.Login, 'adm-')");
        yield return Case(
            "ClassificationRuleGivenAValue",
            o => o.ResourceTypes[0].ClassificationRules.Add(new ClassificationRuleOptions { PredicateExpression = IdentitySync.Rules.DelegateExpression.Value(static _ => "x") }),
            "ResourceTypes[AD_Nominative].ClassificationRules[0].Predicate: the expression given as code computes a value; this rule needs a yes-or-no answer");
        yield return Case(
            "TypeRuleComputingAValue",
            o => o.ResourceTypes[0].TypeRules.Add(new TypeRuleOptions { Criteria = "Owner.Name" }),
            "ResourceTypes[AD_Nominative].TypeRules[0].Criteria: 'Owner.Name' computes a value; this rule needs a yes-or-no answer");
        yield return Case(
            "ScalarRuleOnAnUnknownPropertyWithABadComparison",
            o => o.ResourceTypes[0].ScalarRules.Add(new ScalarRuleOptions { Property = "Login", Value = "lower(Owner.Name)", Comparison = (ComparisonType)99 }),
            "ResourceTypes[AD_Nominative].ScalarRules[0].Property: entity type 'AD_User' has no property 'Login'; it has: Dn, Sam, EmployeeId, Mail, Created, Proxies",
            "ResourceTypes[AD_Nominative].ScalarRules[0].Comparison: '99' is not a comparison; use CaseSensitive, IgnoreCase, IgnoreDiacritics, Simplified, DistinguishedName");
        yield return Case(
            "ScalarRuleWithoutValue",
            o => o.ResourceTypes[0].ScalarRules.Add(new ScalarRuleOptions { Property = "Mail" }),
            "ResourceTypes[AD_Nominative].ScalarRules[0].Value: required; give a value over Owner, for example Owner.EmployeeId");
        yield return Case(
            "NavigationRuleOnAScalarWithoutTarget",
            o => o.ResourceTypes[0].NavigationRules.Add(new NavigationRuleOptions { Property = "Mail" }),
            "ResourceTypes[AD_Nominative].NavigationRules[0].Property: entity type 'AD_User' has no navigation property 'Mail'; declared: MemberOf",
            "ResourceTypes[AD_Nominative].NavigationRules[0].Target: required; give the primary key of the resource to link, such as CN=Staff,OU=Groups,DC=corp,DC=example");
        yield return Case(
            "QueryRuleReadingTheWrongTarget",
            o => o.ResourceTypes[0].QueryRules.Add(new QueryRuleOptions { Property = "MemberOf", Owner = "Owner.Name", Target = "Target.Cn" }),
            "ResourceTypes[AD_Nominative].QueryRules[0].Target: at position 1: entity type 'AD_Group' has no property 'Cn' in 'Target.Cn'; it has: Dn, Members (in 'Target.Cn')");
        yield return Case(
            "ScalarRuleWithAnUnknownOwnership",
            o => o.ResourceTypes[0].ScalarRules.Add(new ScalarRuleOptions { Property = "Mail", Value = "Owner.Name", Ownership = (PropertyOwnership)99 }),
            "ResourceTypes[AD_Nominative].ScalarRules[0].Ownership: '99' is not an ownership policy; use Authoritative, CreateOnly, IfEmpty, Manual");
        yield return Case(
            "RepositoryTypeWithoutAKeyRuleAndAWrongWorkflowProperty",
            o =>
            {
                var identities = new ResourceTypeOptions
                {
                    Name = "HR_Identity", Connector = "AD", OwnerEntityType = "Identity", TargetEntityType = "Identity",
                    TypeRules = { new TypeRuleOptions() },
                    ScalarRules = { new ScalarRuleOptions { Property = "Name", Value = "Owner.Name" } },
                };
                identities.Workflow.ActiveProperty = "Name";
                identities.Workflow.EndDateProperty = "Gone";
                o.ResourceTypes.Add(identities);
            },
            "ResourceTypes[HR_Identity].ScalarRules: 'Identity' is a repository type (no connector maps it): its resources are created here and keyed by its first property, 'EmployeeId'; give a scalar rule for 'EmployeeId'",
            "ResourceTypes[HR_Identity].Workflow.EndDateProperty: entity type 'Identity' has no property 'Gone'; it has: EmployeeId, Name",
            "ResourceTypes[HR_Identity].Workflow.ActiveProperty: 'Name' is String; this setting needs a single-valued Bool property");
        yield return Case(
            "SeveralProblemsAtOnce",
            o =>
            {
                o.EntityTypes[1].Properties[0].Type = (ScalarType)99;
                o.Connectors[0].Connections[0].Package = string.Empty;
                o.ResourceTypes[0].Name = "AD Nominative";
            },
            "EntityTypes[AD_User].Properties[Dn].Type: '99' is not a scalar type; allowed: String, Int32, Int64, Bool, DateTime, Guid, Double, Binary",
            "Connectors[AD].Connections[Export].Package: required; name the connection package that implements this connection, such as Csv",
            "ResourceTypes[AD Nominative].Name: 'AD Nominative' is not a valid identifier; use letters, digits and '_', not starting with a digit");
    }

    [Test]
    public void Validate_MinimalSample_IsValid()
    {
        Assert.That(MinimalSample.Create().Validate(), Is.Empty);
    }

    [TestCaseSource(nameof(Cases))]
    public void Validate_BrokenSetting(Action<IdentitySyncOptions> breakIt, string[] expected)
    {
        var builder = MinimalSample.Create();
        breakIt(builder.Options);

        Assert.That(builder.Validate(), Is.EqualTo(expected));
    }

    [Test]
    public void Validate_UnregisteredPackage_NamesTheRegisteredOnes()
    {
        var builder = MinimalSample.Create().WithConnectionPackages(["Csv", "Ldap"]);
        builder.Options.Connectors[0].Connections.Add(new ConnectionOptions { Name = "Tickets", Package = "ManualTicket" });

        Assert.That(builder.Validate(), Is.EqualTo(new[]
        {
            "Connectors[AD].Connections[Tickets].Package: no connection package 'ManualTicket' is registered; registered: Csv, Ldap",
        }));
    }
}

using IdentitySync.Testing;

namespace IdentitySync.Tests.Architecture;

/// <summary>
/// The namespace rule of docs/architecture.md, read from the compiled assembly: the data namespaces
/// are leaves, engines depend on store roles, stores never on engines, and no two namespaces depend on
/// each other. A new edge must be added to <see cref="s_allowed"/> on purpose, in review.
/// </summary>
public sealed class NamespaceRulesTests
{
    private const string Root = "IdentitySync";

    // What each namespace of IdentitySync.Core may use, besides itself and the root's exception family.
    private static readonly Dictionary<string, string[]> s_allowed = new(StringComparer.Ordinal)
    {
        ["IdentitySync.Internal"] = [],
        ["IdentitySync.Diagnostics"] = [],
        ["IdentitySync.Rules"] = ["Internal"],
        ["IdentitySync.Model"] = ["Rules", "Internal"],
        ["IdentitySync.ChangeSets"] = ["Model", "Internal"],
        ["IdentitySync.Orders"] = ["Model", "Rules", "Internal"],
        ["IdentitySync.Categorizations"] = ["Model"],
        ["IdentitySync.JobRuns"] = [],
        ["IdentitySync.Connections"] = ["Model", "Orders", "Internal"],
        ["IdentitySync.Configuration"] = ["Model", "Rules", "Connections", "Internal"],
        // Rules: values written under an older model are converted to a retyped property through Rules.Values' text.
        ["IdentitySync.Storage"] = ["Model", "ChangeSets", "Orders", "Categorizations", "JobRuns", "Rules", "Internal"],
        // Orders: the next synchronization expects what executed orders asked for (ExpectedChanges), whose
        // values are Rules.Values' text.
        ["IdentitySync.Synchronization"] = ["Storage", "Connections", "ChangeSets", "Model", "Orders", "Rules", "Diagnostics", "Internal"],
        ["IdentitySync.Categorization"] = ["Storage", "Categorizations", "Model", "Rules", "Diagnostics", "Internal"],
        ["IdentitySync.Provisioning"] =
            ["Storage", "Categorization", "Categorizations", "Connections", "ChangeSets", "Orders", "Model", "Rules", "Diagnostics", "Internal"],
        ["IdentitySync.Reading"] = ["Storage", "Categorizations", "Orders", "Model", "Rules"],
        ["IdentitySync.Jobs"] =
            ["Synchronization", "Categorization", "Provisioning", "Storage", "JobRuns", "ChangeSets", "Orders", "Connections", "Diagnostics", "Model"],
        [Root] =
            ["Synchronization", "Categorization", "Provisioning", "Jobs", "Reading", "Storage", "Configuration", "Connections", "Model"],
    };

    // The root namespace is the composition root (registration) and the home of what every namespace may
    // throw: the exception family and the kind of failure it carries.
    private static readonly string[] s_rootFamily = [$"{Root}.{nameof(IdentitySyncException)}", $"{Root}.{nameof(FailureKind)}"];

    private static NamespaceGraph s_core = null!;

    [OneTimeSetUp]
    public static void ReadCore() =>
        s_core = NamespaceGraph.Read(typeof(IdentitySyncException).Assembly.Location);

    [Test]
    public void CoreNamespaces_DependOnNoNamespaceThatDependsOnThem()
    {
        var cycles = s_core.Without(s_rootFamily).Cycles();

        Assert.That(cycles.Select(static c => string.Join(" ↔ ", c)), Is.Empty);
    }

    [Test]
    public void CoreNamespaces_UseOnlyWhatTheArchitectureAllows()
    {
        var forbidden = new List<string>();
        foreach (var ns in s_core.Namespaces)
        {
            if (!s_allowed.TryGetValue(ns, out var allowed))
            {
                forbidden.Add($"{ns} is not in the namespace rule: add it to NamespaceRulesTests with what it may use");
                continue;
            }

            foreach (var (used, users) in s_core.UsesOf(ns))
            {
                var onlyTheRootException = used == Root && s_core.TypesUsed(ns, used).All(static t => s_rootFamily.Contains($"{Root}.{t}"));
                if (!onlyTheRootException && !allowed.Any(a => used == $"{Root}.{a}" || (a == Root && used == Root)))
                {
                    forbidden.Add($"{ns} uses {used} ({string.Join(", ", s_core.TypesUsed(ns, used))}) in {string.Join(", ", users)}");
                }
            }
        }

        Assert.That(forbidden, Is.Empty);
    }

    [Test]
    public void RootNamespace_OffersOtherNamespacesOnlyItsExceptionFamilyAndFailureKind()
    {
        var usesOfRoot = s_core.Namespaces
            .Where(static ns => ns != Root)
            .SelectMany(ns => s_core.TypesUsed(ns, Root).Select(t => $"{ns} uses {t}"))
            .Where(static use => !use.EndsWith(nameof(IdentitySyncException), StringComparison.Ordinal) && !use.EndsWith(nameof(FailureKind), StringComparison.Ordinal));

        Assert.That(usesOfRoot, Is.Empty);
    }

    [Test]
    public void NamespaceGraph_FindsACycleWhereThereIsOne()
    {
        // The rule is only as good as its reader: the fixture's two namespaces use each other, one of
        // them only inside a method body, which a reader of signatures alone would miss.
        var tests = NamespaceGraph.Read(typeof(NamespaceRulesTests).Assembly.Location);

        Assert.That(
            tests.Cycles().Select(static c => string.Join(" ↔ ", c)),
            Is.EqualTo(new[] { "IdentitySync.Tests.Architecture.CycleFixture.First ↔ IdentitySync.Tests.Architecture.CycleFixture.Second" }));
    }
}

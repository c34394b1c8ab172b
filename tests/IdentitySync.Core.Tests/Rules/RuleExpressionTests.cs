using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Rules;

namespace IdentitySync.Tests.Rules;

public sealed class RuleExpressionTests
{
    private static readonly FakeContext s_context = new()
    {
        ["Owner.FirstName"] = "Zoë",
        ["Owner.LastName"] = "O'Brien-Smith",
        ["Owner.EmployeeId"] = "1001",
        ["Owner.Manager.EmployeeId"] = "1000",
        ["Owner.Mails"] = new object[] { "Zoe@Corp.test", "zob@corp.test" },
        ["Owner.HireDate"] = new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc),
        ["Account.Login"] = "adm-zobrien",
        ["Account.Dn"] = "CN=adm-zobrien,OU=Admins,DC=corp,DC=test",
        ["Account.UserAccountControl"] = "66050",
        ["Account.Flags"] = 514L,
    };

    private static readonly IdentityModel s_model = new IdentityModelBuilder()
        .AddEntityType("Identity", e => e
            .AddProperty("FirstName")
            .AddProperty("LastName")
            .AddProperty("EmployeeId")
            .AddNavigationProperty("Manager", "Identity")
            .AddNavigationProperty("Reports", "Identity", isMultiValued: true))
        .AddEntityType("AD_User", e => e.AddProperty("Login").AddProperty("Dn"))
        .AddAssociation("Management", "Identity.Manager", "Identity.Reports")
        .Build();

    private static IEnumerable<TestCaseData> Values()
    {
        static TestCaseData Case(string expression, object? expected) => new TestCaseData(expression, expected).SetName($"Evaluate({expression})");

        yield return Case("Owner.EmployeeId", "1001");
        yield return Case("owner.employeeid", "1001");
        yield return Case("Owner.Manager.EmployeeId", "1000");
        yield return Case("lower(Owner.FirstName) + '.' + lower(Owner.LastName)", "zoë.o'brien-smith");
        yield return Case("simplify(Owner.FirstName) + '.' + simplify(Owner.LastName)", "zoe.obriensmith");
        yield return Case("removeDiacritics(Owner.FirstName)", "Zoe");
        yield return Case("substring(simplify(Owner.FirstName), 0, 1) + simplify(Owner.LastName)", "zobriensmith");
        yield return Case("substring(Owner.EmployeeId, 2)", "01");
        yield return Case("substring(Owner.EmployeeId, 9, 3)", "");
        yield return Case("template('{Owner.FirstName}.{Owner.LastName}@corp.test')", "Zoë.O'Brien-Smith@corp.test");
        yield return Case("template('hired {Owner.HireDate}')", "hired 2024-02-29");
        yield return Case("upper(trim('  staff '))", "STAFF");
        yield return Case("'CN=' + dnEscape('Smith, Jr. + ' + Owner.LastName) + ',OU=Users'", "CN=Smith\\, Jr. \\+ O'Brien-Smith,OU=Users");
        yield return Case("""dnEscape(' #1 <x>;')""", """\ #1 \<x\>\;""");
        yield return Case("\"it's\" + 'a \\'quote\\''", "it'sa 'quote'");
        yield return Case("coalesce(Owner.Nickname, Owner.FirstName)", "Zoë");
        yield return Case("Owner.Nickname", null);
        yield return Case("lower(Owner.Mails)", new object[] { "zoe@corp.test", "zob@corp.test" });
        yield return Case("'smtp:' + Owner.Mails", new object[] { "smtp:Zoe@Corp.test", "smtp:zob@corp.test" });
        yield return Case("Owner.Mails + '>'", new object[] { "Zoe@Corp.test>", "zob@corp.test>" });
        yield return Case("substring(Owner.Mails, 4, 4)", new object[] { "Corp", "corp" });
        yield return Case("substring(Owner.Mails, 20)", new object[] { "", "" });
        yield return Case("startsWith(Account.Login, 'adm-')", true);
        yield return Case("startsWith(Account.Login, 'ADM-')", false);
        yield return Case("contains(Account.Dn, 'OU=Admins')", true);
        yield return Case("endsWith(Account.Dn, 'DC=test')", true);
        yield return Case("matches(Account.Login, '^adm-[a-z]+$')", true);
        yield return Case("in(Owner.EmployeeId, '1000', '1001')", true);
        yield return Case("in(Owner.EmployeeId, '1002')", false);
        yield return Case("equals(lower(Owner.Mails), 'zoe@corp.test')", true);
        yield return Case("equals(Owner.Mails, 'zoe@corp.test')", false);
        yield return Case("hasFlag(Account.UserAccountControl, 2)", true);
        yield return Case("hasFlag(Account.UserAccountControl, 65536)", true);
        yield return Case("hasFlag(Account.UserAccountControl, 65538)", true);
        yield return Case("hasFlag(Account.UserAccountControl, 16)", false);
        yield return Case("hasFlag(Account.Flags, 512)", true);
        yield return Case("hasFlag(Account.Flags, '2')", true);
        yield return Case("hasFlag(Account.Flags, 1)", false);
        yield return Case("hasFlag(Account.Flags, 0)", false);
        yield return Case("hasFlag(Owner.FirstName, 2)", false);
        yield return Case("hasFlag(Owner.Nickname, 2)", false);
        yield return Case("hasFlag(Account.Flags, Owner.FirstName)", false);
        yield return Case("isEmpty(Owner.Nickname)", true);
        yield return Case("isEmpty(Owner.FirstName)", false);
        yield return Case("not(isEmpty(Owner.FirstName))", true);
        yield return Case("and(startsWith(Account.Login, 'adm-'), contains(Account.Dn, 'OU=Users'))", false);
        yield return Case("or(startsWith(Account.Login, 'adm-'), contains(Account.Dn, 'OU=Users'))", true);
        yield return Case("equals(simplify(Account.Login), 'adm' + simplify(Owner.FirstName))", false);
    }

    private static IEnumerable<TestCaseData> SyntaxErrors()
    {
        static TestCaseData Case(string expression, int position, string problem, string name) =>
            new TestCaseData(expression, position, problem).SetName("Parse_" + name + "_PointsAtTheProblem");

        yield return Case("", 0, "the expression is empty; give a path such as Owner.EmployeeId, a text such as 'Staff', or a function such as lower(Account.Login)", "Empty");
        yield return Case("lower(Owner.FirstName", 21, "',' or ')' expected in the arguments of lower", "MissingParenthesis");
        yield return Case("Ownr.FirstName", 0, "'Ownr' is neither a path nor a function; paths start with Owner, Account or Target, functions are lower, upper, trim, removeDiacritics, simplify, dnEscape, substring, template, coalesce, equals, startsWith, endsWith, contains, matches, in, hasFlag, isEmpty, not, and, or", "UnknownRoot");
        yield return Case("frobnicate(Owner.FirstName)", 0, "unknown function 'frobnicate'; the functions are lower, upper, trim, removeDiacritics, simplify, dnEscape, substring, template, coalesce, equals, startsWith, endsWith, contains, matches, in, hasFlag, isEmpty, not, and, or", "UnknownFunction");
        yield return Case("lower(Owner.FirstName, Owner.LastName)", 0, "lower takes 1 argument, not 2: lower(value): lower case", "TooManyArguments");
        yield return Case("'unterminated", 0, "the text that starts here is not closed; end it with '", "UnclosedText");
        yield return Case("matches(Account.Login, '[a-')", 23, "'[a-' is not a valid regular expression: Invalid pattern '[a-' at offset 3. Unterminated [] set.", "InvalidRegex");
        yield return Case("lower(startsWith(Account.Login, 'a'))", 6, "lower expects a value here, not a yes-or-no answer: lower(value): lower case", "PredicateWhereAValueIsExpected");
        yield return Case("not(Account.Login)", 4, "not expects a yes-or-no answer here, not a value: not(condition)", "ValueWhereAPredicateIsExpected");
        yield return Case("Owner.FirstName Owner.LastName", 16, "unexpected 'O' after a complete expression; join texts with +", "TwoTermsWithoutPlus");
        yield return Case("Owner.", 6, "a property name is expected after '.'", "DanglingDot");
        yield return Case("startsWith(Account.Login, 'a') + 'x'", 31, "+ joins texts, not yes-or-no answers", "ConcatenatedPredicate");
        yield return Case("template('{FirstName}')", 10, "'{FirstName}' is not a placeholder; write a path such as {Owner.FirstName}", "PlaceholderWithoutRoot");
        yield return Case("matches(Account.Login, Account.Dn)", 23, "matches needs a text in quotes here, known when the rule is loaded", "RegexNotALiteral");
    }

    [TestCaseSource(nameof(Values))]
    public void Evaluate(string expression, object? expected)
    {
        Assert.That(RuleExpression.Parse(expression).Evaluate(s_context), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(SyntaxErrors))]
    public void Parse(string expression, int position, string problem)
    {
        var exception = Assert.Throws<ExpressionSyntaxException>(() => RuleExpression.Parse(expression));

        Assert.Multiple(() =>
        {
            Assert.That(exception!.Problem, Is.EqualTo(problem));
            Assert.That(exception.Position, Is.EqualTo(position));
        });
    }

    [Test]
    public void Parse_Error_ShowsTheExpressionWithACaret()
    {
        var exception = Assert.Throws<ExpressionSyntaxException>(() => RuleExpression.Parse("lower(Owner.FirstName"));

        Assert.That(exception!.Message, Is.EqualTo(
            "',' or ')' expected in the arguments of lower (at position 22 of the expression)" + Environment.NewLine
            + "  lower(Owner.FirstName" + Environment.NewLine
            + "                       ^"));
    }

    [Test]
    public void Kind_ValuesAndPredicates_AreToldApart()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RuleExpression.Parse("lower(Owner.FirstName)").Kind, Is.EqualTo(ExpressionKind.Value));
            Assert.That(RuleExpression.Parse("startsWith(Account.Login, 'adm-')").Kind, Is.EqualTo(ExpressionKind.Predicate));
            Assert.That(RuleExpression.Parse("startsWith(Account.Login, 'adm-')").IsTrue(s_context), Is.True);
            Assert.Throws<InvalidOperationException>(() => RuleExpression.Parse("Owner.FirstName").IsTrue(s_context));
        });
    }

    [Test]
    public void Bind_PathsAgainstTheModel_ReportsUnknownStepsWithTheirPositions()
    {
        var expression = RuleExpression.Parse("Owner.Mgr.EmployeeId + template('{Owner.Manager.Nickname}') + Account.Login + Owner.Manager.EmployeeId");

        var problems = expression.Bind(s_model, new Dictionary<string, string> { ["Owner"] = "Identity" });

        Assert.That(problems, Is.EqualTo(new[]
        {
            "at position 1: entity type 'Identity' has no navigation property 'Mgr' in 'Owner.Mgr.EmployeeId'; it has: FirstName, LastName, EmployeeId, Manager, Reports",
            "at position 35: entity type 'Identity' has no property 'Nickname' in 'Owner.Manager.Nickname'; it has: FirstName, LastName, EmployeeId, Manager, Reports",
            "at position 63: 'Account' is not available here; use Owner",
        }));
    }

    [Test]
    public void Bind_ValidPaths_HasNoProblems()
    {
        var expression = RuleExpression.Parse("equals(simplify(Owner.FirstName) + Owner.Manager.EmployeeId, Account.Login)");

        Assert.That(expression.Bind(s_model, new Dictionary<string, string> { ["Owner"] = "Identity", ["Account"] = "AD_User" }), Is.Empty);
    }

    [Test]
    public void DelegateExpression_FromCode_EvaluatesLikeAParsedOne()
    {
        var predicate = DelegateExpression.Predicate(c => Equals(c.GetValue("Account", ["Login"]), "adm-zobrien"));
        var value = DelegateExpression.Value(c => c.GetValue("Owner", ["EmployeeId"]) + "-x");

        Assert.Multiple(() =>
        {
            Assert.That(predicate.Kind, Is.EqualTo(ExpressionKind.Predicate));
            Assert.That(predicate.Evaluate(s_context), Is.EqualTo(true));
            Assert.That(value.Evaluate(s_context), Is.EqualTo("1001-x"));
        });
    }

    private sealed class FakeContext : Dictionary<string, object?>, IExpressionContext
    {
        public FakeContext()
            : base(StringComparer.OrdinalIgnoreCase)
        {
        }

        public object? GetValue(string root, IReadOnlyList<string> path) => TryGetValue(root + "." + string.Join('.', path), out var value) ? value : null;
    }
}

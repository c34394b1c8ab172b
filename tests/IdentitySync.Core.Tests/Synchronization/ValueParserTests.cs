using System.Text;
using IdentitySync.Configuration;
using IdentitySync.Model;
using IdentitySync.Synchronization;

namespace IdentitySync.Tests.Synchronization;

public sealed class ValueParserTests
{
    private static readonly EntityType s_type = new IdentityModelBuilder()
        .AddEntityType("T", e => e
            .AddProperty("S")
            .AddProperty("I", ScalarType.Int32)
            .AddProperty("L", ScalarType.Int64)
            .AddProperty("B", ScalarType.Bool)
            .AddProperty("D", ScalarType.DateTime)
            .AddProperty("G", ScalarType.Guid)
            .AddProperty("F", ScalarType.Double)
            .AddProperty("Bin", ScalarType.Binary)
            .AddProperty("Multi", ScalarType.Int32, isMultiValued: true))
        .Build()
        .GetEntityType("T");

    private static IEnumerable<TestCaseData> Valid()
    {
        static TestCaseData Case(string property, string text, string? format, object? expected, string name) =>
            new TestCaseData(property, text, format, expected).SetName("TryParse_" + name + "_GivesTheValue");

        yield return Case("S", "Zoë, \"x\"", null, "Zoë, \"x\"", "Text");
        yield return Case("S", "", null, null, "EmptyField");
        yield return Case("I", "-42", null, -42, "Int32");
        yield return Case("L", "9007199254740993", null, 9007199254740993L, "Int64");
        yield return Case("F", "0.75", null, 0.75, "InvariantDouble");
        yield return Case("B", "Yes", null, true, "BoolYes");
        yield return Case("B", "0", null, false, "BoolZero");
        yield return Case("B", "n", "bool:Y|N", false, "BoolWords");
        yield return Case("D", "2024-02-29", null, new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), "IsoDate");
        yield return Case("D", "2024-02-29T10:15:00+02:00", null, new DateTime(2024, 2, 29, 8, 15, 0, DateTimeKind.Utc), "IsoDateTimeWithOffset");
        yield return Case("D", "29/02/2024", "pattern:dd/MM/yyyy", new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), "DatePattern");
        yield return Case("D", "20240131120000.0Z", "GeneralizedTime", new DateTime(2024, 1, 31, 12, 0, 0, DateTimeKind.Utc), "GeneralizedTime");
        yield return Case("D", "20240131120000Z", "GeneralizedTime", new DateTime(2024, 1, 31, 12, 0, 0, DateTimeKind.Utc), "GeneralizedTimeWithoutFraction");
        yield return Case("D", "20240131120000.1234567Z", "GeneralizedTime", new DateTime(2024, 1, 31, 12, 0, 0, DateTimeKind.Utc).AddTicks(1234567), "GeneralizedTimeWithSevenDigitFraction");
        yield return Case("D", "20240229235959.5Z", "GeneralizedTime", new DateTime(2024, 2, 29, 23, 59, 59, 500, DateTimeKind.Utc), "GeneralizedTimeLeapDayWithFraction");
        yield return Case("D", "133500000000000000", "FileTime", new DateTime(2024, 1, 17, 21, 20, 0, DateTimeKind.Utc), "FileTime");
        yield return Case("D", "9223372036854775807", "FileTime", null, "FileTimeNever");
        yield return Case("G", "6F9619FF-8B86-D011-B42D-00C04FC964FF", null, new Guid("6F9619FF-8B86-D011-B42D-00C04FC964FF"), "GuidText");
        yield return Case("G", "/xmWb4aLEdC0LQDAT8lk/w==", "ObjectGuid", new Guid("6F9619FF-8B86-D011-B42D-00C04FC964FF"), "ObjectGuid");
        yield return Case("S", "AQUAAAAAAAUVAAAAoGXPfnhLm1/nfIdwUQQAAA==", "Sid", "S-1-5-21-2127521184-1604012920-1887927527-1105", "Sid");
        yield return Case("S", "CN=Smith\\2C Jr.,  OU=Users ,DC=example", "DistinguishedName", "cn=Smith\\, Jr.,ou=Users,dc=example", "DistinguishedNameInOneSpelling");
        yield return Case("S", "cn=O'Brien \\22Bob\\22+uid=ob,dc=x", "DistinguishedName", "cn=O'Brien \\\"Bob\\\"+uid=ob,dc=x", "DistinguishedNameMultiValuedRdn");
        yield return Case("Bin", "AQID", null, new byte[] { 1, 2, 3 }, "Base64");
        yield return Case("Bin", "0a0B", "Hex", new byte[] { 10, 11 }, "Hex");
        yield return Case("Multi", "1|2||3", null, new object[] { 1, 2, 3 }, "MultiValued");
    }

    private static IEnumerable<TestCaseData> Invalid()
    {
        static TestCaseData Case(string property, string text, string? format, string error, string name) =>
            new TestCaseData(property, text, format, error).SetName("TryParse_" + name + "_Explains");

        yield return Case("I", "12a", null, "'12a' is not a valid Int32", "Int32WithLetter");
        yield return Case("I", "99999999999", null, "'99999999999' is not a valid Int32", "Int32Overflow");
        yield return Case("F", "1,5", null, "'1,5' is not a valid Double", "DecimalComma");
        yield return Case("B", "maybe", null, "'maybe' is not a valid Bool", "Bool");
        yield return Case("D", "2023-02-29", null, "'2023-02-29' is not a valid DateTime", "NoLeapDay");
        yield return Case("D", "20241331120000Z", "GeneralizedTime", "'20241331120000Z' is not a valid DateTime in format GeneralizedTime", "GeneralizedTimeMonth13");
        yield return Case("D", "-5", "FileTime", "'-5' is not a valid DateTime in format FileTime", "NegativeFileTime");
        yield return Case("D", "01/02/2024", null, "'01/02/2024' is not a valid DateTime", "AmbiguousDate");
        yield return Case("D", "2024-01-13", "pattern:yyyy-dd-MM", "'2024-01-13' is not a valid DateTime in format pattern:yyyy-dd-MM", "PatternMismatch");
        yield return Case("G", "AQID", "ObjectGuid", "'AQID' is not a valid Guid in format ObjectGuid", "ShortObjectGuid");
        yield return Case("Multi", "1|x", null, "'x' is not a valid Int32", "MultiValuedItem");
        yield return Case("S", "Smith, Jr.", "DistinguishedName", "'Smith, Jr.' is not a valid String in format DistinguishedName", "NotADistinguishedName");
        yield return Case("S", "cn=a\\", "DistinguishedName", "'cn=a\\' is not a valid String in format DistinguishedName", "DistinguishedNameWithDanglingEscape");
    }

    [TestCaseSource(nameof(Valid))]
    public void TryParse(string property, string text, string? format, object? expected)
    {
        var ok = ValueParser.TryParse(Encoding.UTF8.GetBytes(text), Property(property), Mapping(property, format), out var value, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True, error);
            Assert.That(value, Is.EqualTo(expected));
            Assert.That(value is DateTime d ? d.Kind : DateTimeKind.Utc, Is.EqualTo(DateTimeKind.Utc));
        });
    }

    [TestCaseSource(nameof(Invalid))]
    public void TryParseInvalid(string property, string text, string? format, string expectedError)
    {
        var ok = ValueParser.TryParse(Encoding.UTF8.GetBytes(text), Property(property), Mapping(property, format), out _, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(error, Is.EqualTo(expectedError));
        });
    }

    private static ScalarProperty Property(string name) => s_type.FindProperty(name)!;

    private static PropertyMapping Mapping(string property, string? format) =>
        new IdentityModelBuilder()
            .AddEntityType("T", e => e.AddProperty("K").AddProperty(property, s_type.FindProperty(property)!.Type, s_type.FindProperty(property)!.IsMultiValued))
            .AddConnector("C", c => c.AddConnection("X", "Memory").MapEntityType("T", "X", "t", m => m.Map("K", key: PropertyKey.Primary).Map(property, format: format is null ? null : ValueFormat.Parse(format))))
            .Build()
            .GetConnector("C").EntityTypeMappings[0].FindProperty(property)!;
}

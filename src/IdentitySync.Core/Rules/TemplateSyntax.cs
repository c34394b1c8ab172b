namespace IdentitySync.Rules;

/// <summary>The one reading of a template such as <c>{Owner.FirstName}.{Owner.LastName}</c>: text parts and placeholder paths.</summary>
internal static class TemplateSyntax
{
    private static readonly string[] s_roots = ["Owner", "Account"];

    /// <summary>Splits a template; on a bad placeholder, returns the problem and its offset in the template instead.</summary>
    public static (List<TemplatePart>? Parts, int ErrorOffset, string? Problem) Parse(string template)
    {
        var parts = new List<TemplatePart>();
        var index = 0;
        while (index < template.Length)
        {
            var open = template.IndexOf('{', index);
            if (open < 0)
            {
                parts.Add(new TemplatePart(template[index..], null, null, 0));
                break;
            }

            parts.Add(new TemplatePart(template[index..open], null, null, 0));
            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                return (null, open, "'{' opens a placeholder that no '}' closes");
            }

            var placeholder = template[(open + 1)..close].Trim();
            var names = placeholder.Split('.');
            var root = s_roots.FirstOrDefault(r => string.Equals(r, names[0], StringComparison.OrdinalIgnoreCase));
            if (names.Length < 2 || names.Any(static n => n.Length == 0) || root is null)
            {
                return (null, open, $"'{{{placeholder}}}' is not a placeholder; write a path such as {{Owner.FirstName}}");
            }

            parts.Add(new TemplatePart(string.Empty, root, names[1..], open + 1));
            index = close + 1;
        }

        return (parts, 0, null);
    }
}

/// <summary>A piece of a template: literal text, or a placeholder's path (with its offset in the template).</summary>
internal sealed record TemplatePart(string Text, string? Root, string[]? Path, int Offset);

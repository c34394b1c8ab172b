using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace IdentitySync.Testing;

/// <summary>
/// Writes the public surface of an assembly as sorted text lines, one per type and member, for an
/// approval test that stands in for PublicApiAnalyzers: an API change shows up as a reviewed diff.
/// </summary>
public static class PublicApi
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Describes the public API of an assembly.</summary>
    /// <param name="assembly">The assembly.</param>
    /// <returns>The API text.</returns>
    public static string Describe(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var nullability = new NullabilityInfoContext();
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(static t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(TypeHeader(type)).Append('\n');
            foreach (var member in Members(type, nullability).Order(StringComparer.Ordinal))
            {
                text.Append("    ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string TypeHeader(Type type)
    {
        var kind = type.IsEnum ? "enum"
            : type.IsInterface ? "interface"
            : type.IsValueType ? "struct"
            : typeof(Delegate).IsAssignableFrom(type) ? "delegate"
            : type.GetMethod("<Clone>$") is not null ? "record"
            : "class";
        var modifiers = kind is "class" or "record"
            ? (type.IsAbstract && type.IsSealed ? "static " : type.IsAbstract ? "abstract " : type.IsSealed ? "sealed " : string.Empty)
            : string.Empty;
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Where(static i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        var attributes = type.IsDefined(typeof(FlagsAttribute)) ? "[Flags] " : string.Empty;
        return $"{attributes}public {modifiers}{kind} {Name(type)}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty);
    }

    private static IEnumerable<string> Members(Type type, NullabilityInfoContext nullability)
    {
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{field.Name} = {Convert.ToInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            }

            yield break;
        }

        foreach (var member in type.GetMembers(Declared))
        {
            if (Describe(member, nullability) is { } line)
            {
                yield return line;
            }
        }
    }

    private static string? Describe(MemberInfo member, NullabilityInfoContext nullability)
    {
        switch (member)
        {
            case ConstructorInfo constructor when IsVisible(constructor):
                return $"{Access(constructor)}{Name(constructor.DeclaringType!)}({Parameters(constructor, nullability)})";
            case MethodInfo method when IsVisible(method) && !method.IsSpecialName && !method.Name.StartsWith('<'):
                return $"{Access(method)}{(method.IsStatic ? "static " : string.Empty)}{Modifier(method)}{Name(nullability.Create(method.ReturnParameter))} "
                    + $"{method.Name}{GenericArguments(method)}({Parameters(method, nullability)})";
            case MethodInfo method when IsVisible(method) && method.Name.StartsWith("op_", StringComparison.Ordinal):
                return $"{Access(method)}static {Name(nullability.Create(method.ReturnParameter))} {method.Name}({Parameters(method, nullability)})";
            case PropertyInfo property:
                var getter = property.GetMethod is { } g && IsVisible(g) ? "get; " : string.Empty;
                var setter = property.SetMethod is { } s && IsVisible(s)
                    ? (s.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? "init; " : "set; ")
                    : string.Empty;
                if (getter.Length + setter.Length == 0)
                {
                    return null;
                }

                var accessor = (property.GetMethod ?? property.SetMethod)!;
                var indexParameters = property.GetIndexParameters();
                var name = indexParameters.Length == 0
                    ? property.Name
                    : "this[" + string.Join(", ", indexParameters.Select(p => Name(nullability.Create(p)) + " " + p.Name)) + "]";
                return $"{Access(accessor)}{(accessor.IsStatic ? "static " : string.Empty)}{Name(nullability.Create(property))} {name} {{ {getter}{setter}}}";
            case FieldInfo field when field.IsPublic || field.IsFamily:
                var constant = field.IsLiteral ? " = " + Literal(field.GetRawConstantValue()) : string.Empty;
                var kind = field.IsLiteral ? "const " : (field.IsStatic ? "static " : string.Empty) + (field.IsInitOnly ? "readonly " : string.Empty);
                return $"{(field.IsPublic ? "public " : "protected ")}{kind}{Name(nullability.Create(field))} {field.Name}{constant}";
            case EventInfo @event when @event.AddMethod is { } add && IsVisible(add):
                return $"{Access(add)}event {Name(@event.EventHandlerType!)} {@event.Name}";
            default:
                return null;
        }
    }

    private static bool IsVisible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "public " : "protected ";

    private static string Modifier(MethodInfo method) =>
        method.DeclaringType!.IsInterface ? string.Empty
        : method.IsAbstract ? "abstract "
        : method.GetBaseDefinition() != method ? "override "
        : method.IsVirtual && !method.IsFinal ? "virtual "
        : string.Empty;

    private static string GenericArguments(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(static a => a.Name)) + ">" : string.Empty;

    private static string Parameters(MethodBase method, NullabilityInfoContext nullability) =>
        string.Join(", ", method.GetParameters().Select(p =>
        {
            var prefix = p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : string.Empty;
            if (p.Member is MethodInfo m && m.IsDefined(typeof(ExtensionAttribute)) && p.Position == 0)
            {
                prefix = "this " + prefix;
            }

            var defaultValue = p.HasDefaultValue ? " = " + Literal(p.RawDefaultValue) : string.Empty;
            return $"{prefix}{Name(nullability.Create(p))} {p.Name}{defaultValue}";
        }));

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Name(NullabilityInfo info)
    {
        var type = info.Type;
        if (type.IsByRef)
        {
            type = type.GetElementType()!;
        }

        string name;
        if (type.IsArray && info.ElementType is { } element)
        {
            name = Name(element) + "[]";
        }
        else if (type.IsGenericType && info.GenericTypeArguments.Length > 0 && Nullable.GetUnderlyingType(type) is null)
        {
            name = BaseName(type) + "<" + string.Join(", ", info.GenericTypeArguments.Select(Name)) + ">";
        }
        else
        {
            name = Name(type);
        }

        return info.ReadState == NullabilityState.Nullable && !type.IsValueType ? name + "?" : name;
    }

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        return type.IsGenericType
            ? BaseName(type) + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">"
            : type.FullName?.Replace('+', '.') ?? type.Name;
    }

    private static string BaseName(Type type)
    {
        var definition = type.GetGenericTypeDefinition();
        var full = (definition.FullName ?? definition.Name).Replace('+', '.');
        var tick = full.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? full : full[..tick];
    }
}

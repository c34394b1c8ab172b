using Mono.Cecil;

namespace IdentitySync.Testing;

/// <summary>
/// Which namespaces of an assembly use which other <c>IdentitySync</c> namespaces, read from its IL
/// (signatures, attributes and method bodies) with Mono.Cecil, so a reference hidden in a method body
/// counts as much as one in a signature.
/// </summary>
public sealed class NamespaceGraph
{
    private readonly Dictionary<string, SortedDictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), SortedSet<string>> _used = [];

    private NamespaceGraph()
    {
    }

    /// <summary>Gets the namespaces that hold at least one type of the assembly.</summary>
    public IReadOnlyCollection<string> Namespaces => _edges.Keys;

    /// <summary>Reads the graph of one assembly.</summary>
    /// <param name="assemblyPath">The assembly file.</param>
    /// <param name="prefix">Only namespaces that start with this are nodes.</param>
    /// <returns>The graph.</returns>
    public static NamespaceGraph Read(string assemblyPath, string prefix = "IdentitySync")
    {
        var graph = new NamespaceGraph();
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        foreach (var type in module.Types)
        {
            if (type.Namespace.StartsWith(prefix, StringComparison.Ordinal))
            {
                graph.AddType(type, type.Namespace, prefix);
            }
        }

        return graph;
    }

    /// <summary>The namespaces a namespace uses, each with the types (of the source) that use it.</summary>
    /// <param name="ns">The using namespace.</param>
    /// <returns>Used namespace → using type names.</returns>
    public IReadOnlyDictionary<string, SortedSet<string>> UsesOf(string ns) =>
        _edges.TryGetValue(ns, out var uses) ? uses : new SortedDictionary<string, SortedSet<string>>();

    /// <summary>The types of one namespace that another uses.</summary>
    /// <param name="from">The using namespace.</param>
    /// <param name="to">The used namespace.</param>
    /// <returns>The used types' names; empty when there is no such edge.</returns>
    public IReadOnlyCollection<string> TypesUsed(string from, string to) =>
        _used.TryGetValue((from, to), out var used) ? used : [];

    /// <summary>Returns the graph without the edges that use only the given types of their target namespace.</summary>
    /// <param name="ignoredTypes">Full names of types whose use makes no edge (a root exception family, say).</param>
    /// <returns>A new graph.</returns>
    public NamespaceGraph Without(IReadOnlyCollection<string> ignoredTypes)
    {
        var graph = new NamespaceGraph();
        foreach (var (from, uses) in _edges)
        {
            graph._edges[from] = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (var (to, users) in uses)
            {
                var used = _used[(from, to)];
                if (used.All(t => ignoredTypes.Contains($"{to}.{t}")))
                {
                    continue;
                }

                graph._edges[from][to] = users;
                graph._used[(from, to)] = used;
            }
        }

        return graph;
    }

    /// <summary>Finds the cycles between namespaces (strongly connected components of more than one node).</summary>
    /// <returns>Each cycle's namespaces, sorted.</returns>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        // Tarjan's algorithm over a few dozen nodes: recursion depth is the namespace count.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<IReadOnlyList<string>>();
        var next = 0;

        void Visit(string node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var target in UsesOf(node).Keys)
            {
                if (!index.TryGetValue(target, out var targetIndex))
                {
                    Visit(target);
                    low[node] = Math.Min(low[node], low[target]);
                }
                else if (onStack.Contains(target))
                {
                    low[node] = Math.Min(low[node], targetIndex);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    cycles.Add(component);
                }
            }
        }

        foreach (var node in _edges.Keys.ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return cycles;
    }

    /// <summary>Describes every edge, one line each: <c>From → To (types)</c>.</summary>
    /// <returns>The lines.</returns>
    public IEnumerable<string> Describe() =>
        _edges.OrderBy(static e => e.Key, StringComparer.Ordinal)
            .SelectMany(static e => e.Value.Select(u => $"{e.Key} → {u.Key} ({string.Join(", ", u.Value.Take(4))}{(u.Value.Count > 4 ? ", …" : "")})"));

    private void AddType(TypeDefinition type, string ns, string prefix)
    {
        if (!_edges.ContainsKey(ns))
        {
            _edges[ns] = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        }

        var user = type.DeclaringType is null ? type.Name : TopLevel(type).Name;
        void Use(TypeReference? reference) => AddReference(reference, ns, user, prefix);

        Use(type.BaseType);
        foreach (var implemented in type.Interfaces)
        {
            Use(implemented.InterfaceType);
            UseAttributes(implemented.CustomAttributes, Use);
        }

        UseAttributes(type.CustomAttributes, Use);
        UseGenericParameters(type.GenericParameters, Use);
        foreach (var field in type.Fields)
        {
            Use(field.FieldType);
            UseAttributes(field.CustomAttributes, Use);
        }

        foreach (var property in type.Properties)
        {
            Use(property.PropertyType);
            UseAttributes(property.CustomAttributes, Use);
        }

        foreach (var @event in type.Events)
        {
            Use(@event.EventType);
        }

        foreach (var method in type.Methods)
        {
            UseMethod(method, Use);
        }

        foreach (var nested in type.NestedTypes)
        {
            AddType(nested, ns, prefix);
        }
    }

    private static void UseMethod(MethodDefinition method, Action<TypeReference?> use)
    {
        use(method.ReturnType);
        UseAttributes(method.CustomAttributes, use);
        UseAttributes(method.MethodReturnType.CustomAttributes, use);
        UseGenericParameters(method.GenericParameters, use);
        foreach (var parameter in method.Parameters)
        {
            use(parameter.ParameterType);
            UseAttributes(parameter.CustomAttributes, use);
        }

        if (!method.HasBody)
        {
            return;
        }

        foreach (var variable in method.Body.Variables)
        {
            use(variable.VariableType);
        }

        foreach (var handler in method.Body.ExceptionHandlers)
        {
            use(handler.CatchType);
        }

        foreach (var instruction in method.Body.Instructions)
        {
            switch (instruction.Operand)
            {
                case TypeReference operandType:
                    use(operandType);
                    break;
                case MethodReference operandMethod:
                    UseMethodReference(operandMethod, use);
                    break;
                case FieldReference operandField:
                    use(operandField.DeclaringType);
                    use(operandField.FieldType);
                    break;
                case CallSite callSite:
                    use(callSite.ReturnType);
                    foreach (var parameter in callSite.Parameters)
                    {
                        use(parameter.ParameterType);
                    }

                    break;
                default:
                    break;
            }
        }

    }

    private static void UseMethodReference(MethodReference method, Action<TypeReference?> use)
    {
        use(method.DeclaringType);
        use(method.ReturnType);
        foreach (var parameter in method.Parameters)
        {
            use(parameter.ParameterType);
        }

        if (method is GenericInstanceMethod generic)
        {
            foreach (var argument in generic.GenericArguments)
            {
                use(argument);
            }
        }
    }

    private static void UseAttributes(IEnumerable<CustomAttribute> attributes, Action<TypeReference?> use)
    {
        foreach (var attribute in attributes)
        {
            use(attribute.AttributeType);
            foreach (var argument in attribute.ConstructorArguments)
            {
                if (argument.Value is TypeReference typeArgument)
                {
                    use(typeArgument);
                }
            }
        }
    }

    private static void UseGenericParameters(IEnumerable<GenericParameter> parameters, Action<TypeReference?> use)
    {
        foreach (var parameter in parameters)
        {
            foreach (var constraint in parameter.Constraints)
            {
                use(constraint.ConstraintType);
            }
        }
    }

    private void AddReference(TypeReference? reference, string ns, string user, string prefix)
    {
        switch (reference)
        {
            case null or GenericParameter:
                return;
            case GenericInstanceType generic:
                AddReference(generic.ElementType, ns, user, prefix);
                foreach (var argument in generic.GenericArguments)
                {
                    AddReference(argument, ns, user, prefix);
                }

                return;
            case TypeSpecification specification:
                AddReference(specification.ElementType, ns, user, prefix);
                return;
            default:
                break;
        }

        var target = TopLevel(reference).Namespace;
        if (target == ns || !target.StartsWith(prefix, StringComparison.Ordinal))
        {
            return;
        }

        var uses = _edges[ns];
        if (!uses.TryGetValue(target, out var users))
        {
            uses[target] = users = new SortedSet<string>(StringComparer.Ordinal);
        }

        users.Add(user);
        if (!_used.TryGetValue((ns, target), out var used))
        {
            _used[(ns, target)] = used = new SortedSet<string>(StringComparer.Ordinal);
        }

        used.Add(TopLevel(reference).Name);
    }

    private static TypeReference TopLevel(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }
}

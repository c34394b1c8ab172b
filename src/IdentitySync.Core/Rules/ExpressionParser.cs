using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace IdentitySync.Rules;

/// <summary>A recursive-descent parser that compiles as it parses: each node becomes a closure.</summary>
internal sealed class ExpressionParser(string text)
{
    private static readonly string[] s_roots = ["Owner", "Account", "Target"];
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(200);
    private int _position;

    private delegate object? Node(IExpressionContext context);

    public List<ExpressionPath> Paths { get; } = [];

    public (ExpressionKind Kind, Func<IExpressionContext, object?> Evaluate) ParseAll()
    {
        SkipSpace();
        if (_position >= text.Length)
        {
            throw Error(0, "the expression is empty; give a path such as Owner.EmployeeId, a text such as 'Staff', or a function such as lower(Account.Login)");
        }

        var (kind, node) = ParseConcat();
        SkipSpace();
        if (_position < text.Length)
        {
            throw Error(_position, $"unexpected '{text[_position]}' after a complete expression; join texts with +");
        }

        return (kind, c => node(c));
    }

    private (ExpressionKind Kind, Node Node) ParseConcat()
    {
        var (kind, left) = ParseTerm();
        SkipSpace();
        while (Peek('+'))
        {
            var at = _position++;
            var right = ParseTerm();
            if (kind == ExpressionKind.Predicate || right.Kind == ExpressionKind.Predicate)
            {
                throw Error(at, "+ joins texts, not yes-or-no answers");
            }

            var l = left;
            var r = right.Node;
            left = c => Values.Concat(l(c), r(c));
            SkipSpace();
        }

        return (kind, left);
    }

    private (ExpressionKind Kind, Node Node) ParseTerm()
    {
        SkipSpace();
        if (_position >= text.Length)
        {
            throw Error(_position, "the expression ends too early; a path, a text, a number or a function is expected");
        }

        var c = text[_position];
        if (c is '\'' or '"')
        {
            var literal = ParseString();
            return (ExpressionKind.Value, _ => literal);
        }

        if (char.IsAsciiDigit(c) || (c == '-' && _position + 1 < text.Length && char.IsAsciiDigit(text[_position + 1])))
        {
            var number = ParseInteger();
            return (ExpressionKind.Value, _ => number);
        }

        if (char.IsLetter(c) || c == '_')
        {
            var start = _position;
            var name = ParseIdentifier();
            SkipSpace();
            return Peek('(') ? ParseCall(name, start) : ParsePath(name, start);
        }

        throw Error(_position, $"unexpected '{c}'; a path, a text in quotes, a number or a function is expected");
    }

    private (ExpressionKind, Node) ParsePath(string root, int start)
    {
        var canonical = s_roots.FirstOrDefault(r => string.Equals(r, root, StringComparison.OrdinalIgnoreCase))
            ?? throw Error(start, $"'{root}' is neither a path nor a function; paths start with Owner, Account or Target, functions are {string.Join(", ", ExpressionFunctions.Names)}");
        var properties = new List<string>();
        while (Peek('.'))
        {
            _position++;
            if (_position >= text.Length || !(char.IsLetter(text[_position]) || text[_position] == '_'))
            {
                throw Error(_position, "a property name is expected after '.'");
            }

            properties.Add(ParseIdentifier());
        }

        if (properties.Count == 0)
        {
            throw Error(_position, $"'{canonical}' needs a property, for example {canonical}.EmployeeId");
        }

        Paths.Add(new ExpressionPath(start, canonical, properties));
        IReadOnlyList<string> path = properties;
        return (ExpressionKind.Value, c => c.GetValue(canonical, path));
    }

    private (ExpressionKind, Node) ParseCall(string name, int start)
    {
        var function = ExpressionFunctions.Find(name)
            ?? throw Error(start, $"unknown function '{name}'; the functions are {string.Join(", ", ExpressionFunctions.Names)}");
        _position++;
        var arguments = new List<(int Position, ExpressionKind Kind, Node Node, object? Literal)>();
        SkipSpace();
        if (!Peek(')'))
        {
            while (true)
            {
                SkipSpace();
                var at = _position;
                var literal = _position < text.Length && text[_position] is '\'' or '"' ? PeekString() : null;
                var (kind, node) = ParseConcat();
                arguments.Add((at, kind, node, literal));
                SkipSpace();
                if (Peek(','))
                {
                    _position++;
                    continue;
                }

                if (Peek(')'))
                {
                    break;
                }

                throw Error(_position, $"',' or ')' expected in the arguments of {function.Name}");
            }
        }

        _position++;
        if (arguments.Count < function.MinArguments || arguments.Count > function.MaxArguments)
        {
            var expected = function.MinArguments == function.MaxArguments ? $"{function.MinArguments}"
                : function.MaxArguments == int.MaxValue ? $"at least {function.MinArguments}"
                : $"{function.MinArguments} to {function.MaxArguments}";
            throw Error(start, $"{function.Name} takes {expected} argument{(expected == "1" ? string.Empty : "s")}, not {arguments.Count}: {function.Usage}");
        }

        for (var i = 0; i < arguments.Count; i++)
        {
            var wanted = function.ArgumentKind(i);
            if (arguments[i].Kind != wanted)
            {
                throw Error(arguments[i].Position, $"{function.Name} expects {(wanted == ExpressionKind.Value ? "a value" : "a yes-or-no answer")} here, not {(arguments[i].Kind == ExpressionKind.Value ? "a value" : "a yes-or-no answer")}: {function.Usage}");
            }
        }

        var nodes = arguments.Select(static a => a.Node).ToArray();
        var compiled = function.Compile(nodes.Select(static n => (Func<IExpressionContext, object?>)(c => n(c))).ToArray(), i => Literal(arguments, i, function.Name));
        return (function.Returns, c => compiled(c));
    }

    /// <summary>The text of an argument that must be a literal (a regular expression, a template), compiled at parse time.</summary>
    private string Literal(List<(int Position, ExpressionKind Kind, Node Node, object? Literal)> arguments, int index, string function)
    {
        var argument = arguments[index];
        if (argument.Literal is not string literal)
        {
            throw Error(argument.Position, $"{function} needs a text in quotes here, known when the rule is loaded");
        }

        if (function == "matches")
        {
            try
            {
                _ = new Regex(literal, RegexOptions.CultureInvariant, s_regexTimeout);
            }
            catch (ArgumentException exception)
            {
                throw Error(argument.Position, $"'{literal}' is not a valid regular expression: {exception.Message}");
            }
        }

        if (function == "template")
        {
            ParseTemplatePaths(literal, argument.Position + 1);
        }

        return literal;
    }

    /// <summary>Registers the paths of a template's placeholders so that binding checks them too.</summary>
    private void ParseTemplatePaths(string template, int offset)
    {
        var (parts, errorOffset, problem) = TemplateSyntax.Parse(template);
        if (parts is null)
        {
            throw Error(offset + errorOffset, problem!);
        }

        foreach (var part in parts.Where(static p => p.Root is not null))
        {
            Paths.Add(new ExpressionPath(offset + part.Offset, part.Root!, part.Path!));
        }
    }

    private string? PeekString()
    {
        var saved = _position;
        try
        {
            return ParseString();
        }
        finally
        {
            _position = saved;
        }
    }

    private string ParseString()
    {
        var quote = text[_position];
        var start = _position++;
        var value = new StringBuilder();
        while (_position < text.Length && text[_position] != quote)
        {
            if (text[_position] == '\\' && _position + 1 < text.Length)
            {
                _position++;
            }

            value.Append(text[_position++]);
        }

        if (_position >= text.Length)
        {
            throw Error(start, $"the text that starts here is not closed; end it with {quote}");
        }

        _position++;
        return value.ToString();
    }

    private int ParseInteger()
    {
        var start = _position;
        if (text[_position] == '-')
        {
            _position++;
        }

        while (_position < text.Length && char.IsAsciiDigit(text[_position]))
        {
            _position++;
        }

        return int.TryParse(text.AsSpan(start, _position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Error(start, "the number is too large");
    }

    private string ParseIdentifier()
    {
        var start = _position;
        while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
        {
            _position++;
        }

        return text[start.._position];
    }

    private bool Peek(char c) => _position < text.Length && text[_position] == c;

    private void SkipSpace()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position]))
        {
            _position++;
        }
    }

    private ExpressionSyntaxException Error(int position, string problem) => new(text, Math.Min(position, text.Length), problem);
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace GeoDense.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into the CLI contract: one line on stderr, exit 2, no help dump.
/// Help and version requests clear parse errors (`geodense segment --help` without its required options is fine).
/// </summary>
public static partial class UsageErrors
{
    /// <summary>True when <paramref name="parse"/> must not run: the one-line error was written to <paramref name="error"/>.</summary>
    public static bool Report(ParseResult parse, TextWriter error)
    {
        if (parse.Errors.Count == 0 || parse.Action is { ClearsParseErrors: true }) return false;
        IEnumerable<ParseError> errors = parse.Errors;
        // "unknown-thing" also yields "Required command was not provided": the unknown word is the news
        if (parse.UnmatchedTokens.Count > 0)
            errors = errors.Where(e => parse.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
                .DefaultIfEmpty(parse.Errors[0]);
        var what = string.Join("; ", errors.Select(Describe).Distinct());
        error.WriteLine($"error: {what} (see '{CommandPath(parse.CommandResult.Command)} --help')");
        return true;
    }

    private static string Describe(ParseError error)
    {
        var message = error.Message.Trim().TrimEnd('.');
        // System.CommandLine names the CLR type ("System.Nullable`1[System.Int32]"); users want to hear what to type.
        var conversion = CannotParse().Match(message);
        if (conversion.Success)
            return $"{conversion.Groups["symbol"].Value}: '{conversion.Groups["value"].Value}' is not {Expected(conversion.Groups["type"].Value)}";
        return message;
    }

    private static string Expected(string clrType) =>
        clrType.Contains("Int", StringComparison.Ordinal) ? "a whole number"
        : clrType.Contains("Double", StringComparison.Ordinal) || clrType.Contains("Single", StringComparison.Ordinal) ? "a number"
        : clrType.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : "a valid value";

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Add(c is RootCommand ? "geodense" : c.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (option|command|argument) '(?<symbol>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();
}

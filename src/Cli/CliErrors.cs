namespace GeoDense.Cli;

/// <summary>
/// Exit-code policy (SPEC §6): 0 ok, 2 bad usage or bad input (the message says what and where),
/// 1 internal error, 130 / 143 stopped by SIGINT / SIGTERM (see <see cref="Interruption"/>). Every layer reports the
/// user's mistakes as an <see cref="InputException"/>; those never print a stack trace.
/// </summary>
public static class CliErrors
{
    public const int Ok = 0, Internal = 1, BadInput = 2;

    public static int Run(Func<int> body)
    {
        try { return body(); }
        catch (Exception e) when (IsInterruption(e))
        {
            Console.Error.WriteLine($"interrupted: {Describe(e)}");
            return Interruption.ExitCode;
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            Console.Error.WriteLine($"error: {message}");
            return BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e}");
            return Internal;
        }
    }

    /// <summary>A cancellation caused by a signal; any other cancellation is a bug and stays an internal error.</summary>
    public static bool IsInterruption(Exception e) =>
        Interruption.Signal is not null && Unwrap(e) is OperationCanceledException;

    static string Describe(Exception e)
    {
        var message = Unwrap(e).Message;
        // the framework's default text says nothing a user can act on
        return message == new OperationCanceledException().Message ? "stopped before finishing" : message;
    }

    static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;

    /// <summary>Exceptions that describe a problem with the user's files or arguments.</summary>
    public static bool IsUserError(Exception e) => UserMessage(e) is not null;

    /// <summary>
    /// The one line to print for a user error, or null for an internal error. A file-system error that escapes
    /// a command is about a path the user gave (an input, an output folder), so it is the user's to fix.
    /// </summary>
    static string? UserMessage(Exception e) => e switch
    {
        InputException => e.Message,
        // a missing assembly is a broken install, not a path the user gave
        FileNotFoundException { FileName: { } name } when name.Contains(", Version=", StringComparison.Ordinal) => null,
        FileNotFoundException or DirectoryNotFoundException => $"{OneLine(e.Message)}; check the path",
        UnauthorizedAccessException => $"{OneLine(e.Message)}; check the permissions",
        _ => null,
    };

    static string OneLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.', ' ');
}

/// <summary>A problem with the command line: the message names the argument and what to do.</summary>
public sealed class UserInputException(string message) : InputException(message);

namespace GeoDense.Cli;

/// <summary>
/// Exit-code policy (SPEC §6): 0 ok, 2 bad usage or bad input (the message says what and where),
/// 1 internal error, 130 / 143 stopped by SIGINT / SIGTERM (see <see cref="Interruption"/>).
/// Commands throw <see cref="UserInputException"/> (or a library's input exception,
/// registered in <see cref="IsUserError"/>) and never print stack traces for user mistakes.
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
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
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

    private static string Describe(Exception e)
    {
        var message = Unwrap(e).Message;
        // the framework's default text says nothing a user can act on
        return message == new OperationCanceledException().Message ? "stopped before finishing" : message;
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;

    /// <summary>Exceptions that describe a problem with the user's files or arguments.</summary>
    public static bool IsUserError(Exception e) => e is UserInputException or FileNotFoundException
        or DirectoryNotFoundException || e.GetType().Name.EndsWith("InputException", StringComparison.Ordinal);
}

/// <summary>A problem with the user's input: the message names the file or argument and what to do.</summary>
public sealed class UserInputException(string message) : Exception(message);

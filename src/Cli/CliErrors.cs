namespace GeoDense.Cli;

/// <summary>
/// Exit-code policy (SPEC §6): 0 ok, 2 bad usage or bad input (the message says what and where),
/// 1 internal error. Commands throw <see cref="UserInputException"/> (or a library's input exception,
/// registered in <see cref="IsUserError"/>) and never print stack traces for user mistakes.
/// </summary>
public static class CliErrors
{
    public const int Ok = 0, Internal = 1, BadInput = 2;

    /// <summary>Cancelled on Ctrl-C / SIGTERM (TEMPORARY: wired to the signal handler on merge).</summary>
    public static CancellationToken Cancellation => CancellationToken.None;

    public static int Run(Func<int> body)
    {
        try { return body(); }
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

    /// <summary>Exceptions that describe a problem with the user's files or arguments.</summary>
    public static bool IsUserError(Exception e) => e is UserInputException or FileNotFoundException
        or DirectoryNotFoundException || e.GetType().Name.EndsWith("InputException", StringComparison.Ordinal);
}

/// <summary>A problem with the user's input: the message names the file or argument and what to do.</summary>
public sealed class UserInputException(string message) : Exception(message);

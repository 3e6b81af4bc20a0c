using System.Runtime.InteropServices;

namespace GeoDense.Cli;

/// <summary>
/// Process-wide Ctrl-C / SIGTERM handling. The first signal cancels <see cref="Token"/> and lets the running command
/// unwind (temporary outputs are deleted on the way out, so nothing partial is left); a second signal exits at once,
/// for a command that does not look at the token yet.
/// </summary>
public static class Interruption
{
    /// <summary>Shell convention: 128 + signal number.</summary>
    public const int SigIntExitCode = 130, SigTermExitCode = 143;

    private static readonly CancellationTokenSource Source = new();
    private static readonly List<PosixSignalRegistration> Registrations = [];
    private static int signalCount;
    private static PosixSignal? received;

    /// <summary>Cancelled on the first SIGINT or SIGTERM; commands pass it to the task layer.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>The signal that cancelled <see cref="Token"/>, or null while none arrived.</summary>
    public static PosixSignal? Signal => Volatile.Read(ref signalCount) > 0 ? received : null;

    /// <summary>The exit code for a run stopped by <see cref="Signal"/>.</summary>
    public static int ExitCode => Signal == PosixSignal.SIGTERM ? SigTermExitCode : SigIntExitCode;

    /// <summary>
    /// Throws <see cref="OperationCanceledException"/> once a signal arrived; <paramref name="state"/> says what was
    /// finished and what was not (it becomes the "interrupted: ..." line).
    /// </summary>
    public static void ThrowIfStopped(Func<string> state)
    {
        if (Token.IsCancellationRequested) throw new OperationCanceledException(state(), Token);
    }

    /// <summary>Starts listening; call once, before the command runs.</summary>
    public static void Install()
    {
        lock (Registrations)
        {
            if (Registrations.Count > 0) return;
            Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
            Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        }
    }

    private static void OnSignal(PosixSignalContext context)
    {
        // keep the process alive: the command stops itself at its next token check and cleans up
        context.Cancel = true;
        if (Interlocked.Increment(ref signalCount) == 1)
        {
            received = context.Signal;
            Console.Error.WriteLine($"{Name(context.Signal)} received: stopping (send it again to exit at once)");
            Source.Cancel();
            return;
        }
        Environment.Exit(context.Signal == PosixSignal.SIGTERM ? SigTermExitCode : SigIntExitCode);
    }

    private static string Name(PosixSignal signal) => signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
}

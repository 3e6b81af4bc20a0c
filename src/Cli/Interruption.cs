using System.Runtime.InteropServices;

namespace GeoDense.Cli;

/// <summary>
/// Process-wide Ctrl-C / SIGTERM handling. The first signal cancels <see cref="Token"/> and lets the running command
/// unwind (temporary outputs are deleted on the way out, so nothing partial is left). A second signal exits at once,
/// and so does a command still running <see cref="GracePeriod"/> after the first (one that does not look at the token
/// yet): a signal always stops the process within seconds. Only temporary names can be left then, never a final path.
/// </summary>
public static class Interruption
{
    /// <summary>Shell convention: 128 + signal number.</summary>
    public const int SigIntExitCode = 130, SigTermExitCode = 143;

    /// <summary>How long a command may take to notice <see cref="Token"/> before the process exits without it.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    private static readonly CancellationTokenSource Source = new();
    private static readonly List<PosixSignalRegistration> Registrations = [];
    private static readonly Lock Gate = new();
    private static PosixSignal? received;
    // held in a field: a timer only a local refers to may be collected before it fires
    private static Timer? graceTimer;

    /// <summary>Cancelled on the first SIGINT or SIGTERM; commands pass it to the task layer.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>The signal that cancelled <see cref="Token"/>, or null while none arrived.</summary>
    public static PosixSignal? Signal
    {
        get { lock (Gate) return received; }
    }

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
        bool first;
        lock (Gate)
        {
            first = received is null;
            received ??= context.Signal;
        }
        if (first)
        {
            Console.Error.WriteLine($"{Name(context.Signal)} received: stopping (send it again to exit at once)");
            var code = ExitCode;
            graceTimer = new Timer(_ => ExitNow(code, $"still running {GracePeriod.TotalSeconds:0} s after {Name(context.Signal)}"),
                null, GracePeriod, Timeout.InfiniteTimeSpan);
            Source.Cancel();
            return;
        }
        ExitNow(context.Signal == PosixSignal.SIGTERM ? SigTermExitCode : SigIntExitCode, $"second {Name(context.Signal)}");
    }

    private static void ExitNow(int code, string why)
    {
        Console.Error.WriteLine($"interrupted: {why}; exiting without cleanup");
        Console.Error.Flush();
        // not Environment.Exit: tearing the runtime down under running libtorch threads crashes (measured: SIGSEGV)
        ExitProcess(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitProcess(int status);

    private static string Name(PosixSignal signal) => signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
}

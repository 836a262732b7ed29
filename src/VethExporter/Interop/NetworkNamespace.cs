using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>Runs a piece of code inside another network namespace, on a thread of its own.</summary>
internal static class NetworkNamespace
{
    /// <summary>
    /// Calls <paramref name="action"/> on a dedicated thread that first joins the network namespace at
    /// <paramref name="path"/> (a /run/netns pin or /proc/PID/ns/net).
    /// </summary>
    public static T RunIn<T>(string path, Func<T> action)
    {
        using var target = NamespaceFile.Open(path);
        return RunIn(target, action);
    }

    /// <summary>
    /// Calls <paramref name="action"/> on a dedicated thread that first joins <paramref name="target"/>.
    /// setns changes only the calling thread, and that thread ends right after, so no other thread ever
    /// runs in the wrong namespace.
    /// </summary>
    public static T RunIn<T>(NamespaceFile target, Func<T> action)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (LibC.setns(target.Fd, LibC.CLONE_NEWNET) != 0)
                    throw new SystemCallException($"setns({target.Path}, CLONE_NEWNET)", Errno.Last);
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = "netns-enter",
        };
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return result!;
    }
}

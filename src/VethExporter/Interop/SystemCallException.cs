namespace VethExporter.Interop;

/// <summary>A failed system call, with the call, its subject and errno kept for the caller.</summary>
public sealed class SystemCallException(string operation, int errno)
    : Exception($"{operation}: {Interop.Errno.Describe(errno)}")
{
    public string Operation { get; } = operation;

    public int Errno { get; } = errno;
}

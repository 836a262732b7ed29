namespace VethExporter.KernelTests;

/// <summary>
/// Tests that change what every scan on this machine sees (another user's mount namespace with
/// hostile pins, a process holding namespace fds): they run alone, after the parallel tests, so they
/// never make another test's host view incomplete.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostWideTests
{
    public const string Name = "host-wide";
}

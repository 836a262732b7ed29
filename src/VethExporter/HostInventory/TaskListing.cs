namespace VethExporter.HostInventory;

/// <summary>
/// How many threads the /proc pass listed against how many the kernel says exist (nr_threads, read
/// before and after the pass). hidepid, an LSM or a procfs of another PID namespace hide tasks without
/// any error: a listing well short of the kernel's count is the one sign of it.
/// </summary>
/// <param name="KernelBefore">nr_threads before the pass, or -1 if unreadable.</param>
/// <param name="KernelAfter">nr_threads after the pass, or -1 if unreadable.</param>
internal sealed record TaskListing(long Listed, long KernelBefore, long KernelAfter)
{
    /// <summary>Threads come and go during the pass; a shortfall within this is churn, not a blind spot.</summary>
    public long Tolerance => Math.Max(64, Math.Min(KernelBefore, KernelAfter) / 20);

    /// <summary>The threads that went unlisted beyond churn, or 0.</summary>
    public long Missing
    {
        get
        {
            if (KernelBefore < 0 || KernelAfter < 0) return 0;
            long shortfall = Math.Min(KernelBefore, KernelAfter) - Listed;
            return shortfall > Tolerance ? shortfall : 0;
        }
    }
}

namespace VethExporter.Netlink;

/// <summary>One qdisc (RTM_NEWQDISC) on a link.</summary>
public sealed record QdiscRecord(int Index, uint Handle, uint Parent, string Kind)
{
    /// <summary>
    /// Qdiscs the kernel attaches by itself (noqueue, pfifo_fast, mq and its children) carry handle 0;
    /// anything a person or a CNI plugin added (tbf, htb, ingress, clsact, …) has a non-zero handle, and
    /// tc filters can only hang off such qdiscs.
    /// </summary>
    public bool IsConfigured => Handle != 0;
}

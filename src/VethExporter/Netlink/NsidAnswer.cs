namespace VethExporter.Netlink;

/// <summary>The reply to RTM_GETNSID: the id (-1 when none is assigned) or the errno of a refusal.</summary>
internal readonly record struct NsidAnswer(int Nsid, int Errno)
{
    public bool Succeeded => Errno == 0;
}

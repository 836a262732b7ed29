namespace VethExporter.Cni;

/// <summary>The parts of a cached CNI result (spec 0.3.0 and later) that tie an attachment to kernel objects.</summary>
public sealed record CniResult(IReadOnlyList<CniResultInterface> Interfaces, IReadOnlyList<CniResultIp> Ips)
{
    public static CniResult Empty { get; } = new([], []);

    /// <summary>Interfaces without a sandbox live in the host namespace: the veth's host end, a bridge, an ifb.</summary>
    public IEnumerable<CniResultInterface> HostInterfaces => Interfaces.Where(i => string.IsNullOrEmpty(i.Sandbox));
}

/// <param name="Sandbox">The netns path for an interface inside the container; empty or null on the host.</param>
public sealed record CniResultInterface(string Name, string? Mac, string? Sandbox);

/// <param name="Address">CIDR form, as the result writes it (<c>10.88.0.5/16</c>).</param>
/// <param name="Interface">Index into <see cref="CniResult.Interfaces"/>, if given.</param>
public sealed record CniResultIp(string Address, string? Gateway, int? Interface);

namespace VethExporter.Firewall;

/// <summary>What the kernel says about the scanned namespace's tables, read before planning the listings.</summary>
/// <param name="Legacy">Per <see cref="XtablesFamily.Name"/>: are there legacy tables?</param>
/// <param name="NfTables">Is nf_tables in this kernel at all?</param>
public sealed record NetfilterEvidence(IReadOnlyDictionary<string, KernelTables> Legacy, KernelTables NfTables)
{
    public KernelTables LegacyOf(XtablesFamily family) => Legacy.GetValueOrDefault(family.Name, KernelTables.Unknown);
}

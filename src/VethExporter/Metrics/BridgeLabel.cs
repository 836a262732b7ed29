namespace VethExporter.Metrics;

public static class BridgeLabel
{
    /// <summary>The label value for a veth without a master.</summary>
    public const string None = "none";

    public static string Of(string? bridge) => bridge ?? None;
}

namespace VethExporter.Metrics;

/// <summary>Bucket bounds shared by the orphan age and lifetime distributions: 1m, 5m, 15m, 1h, 6h, 1d, 1w.</summary>
public static class AgeBuckets
{
    public static readonly double[] Seconds = [60, 300, 900, 3600, 21600, 86400, 604800];
}

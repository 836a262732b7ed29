namespace VethExporter.Cni;

/// <summary>Reads every libcni cache file under <c>&lt;cacheDir&gt;/results</c>; each bad file is an error of its own.</summary>
public static class CniCacheReader
{
    public static List<CniCacheEntry> Read(string resultsDir, List<CniReadError> errors)
    {
        var entries = new List<CniCacheEntry>();
        foreach (string path in CniFiles.List(resultsDir, directories: false, errors) ?? [])
        {
            var bytes = CniFiles.Read(path, CniFiles.CacheFileCap, errors, out var modified);
            if (bytes is null) continue;
            if (CniCacheParser.TryParse(path, bytes, modified, out var entry, out string? error)) entries.Add(entry);
            else errors.Add(new CniReadError(path, error!));
        }
        return entries;
    }
}

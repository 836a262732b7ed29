namespace VethExporter.Cni;

/// <summary>
/// Reads host-local's reservations: every network directory under each data directory, every file in it.
/// Bookkeeping files are skipped, anything else that is not a reservation is an error naming the file.
/// </summary>
public static class HostLocalLeaseReader
{
    public static List<HostLocalLease> Read(IEnumerable<string> dataDirs, List<CniReadError> errors)
    {
        var leases = new List<HostLocalLease>();
        foreach (string dataDir in dataDirs.Distinct(StringComparer.Ordinal))
        {
            foreach (string networkDir in CniFiles.List(dataDir, directories: true, errors) ?? [])
                ReadNetwork(networkDir, leases, errors);
        }
        return leases;
    }

    public static void ReadNetwork(string networkDir, List<HostLocalLease> leases, List<CniReadError> errors)
    {
        string network = Path.GetFileName(networkDir);
        foreach (string path in CniFiles.List(networkDir, directories: false, errors) ?? [])
        {
            switch (HostLocalLeaseParser.Classify(Path.GetFileName(path)))
            {
                case LeaseFileKind.Bookkeeping:
                    continue;
                case LeaseFileKind.Junk:
                    errors.Add(new CniReadError(path, "not a host-local file: the name is not an IP address, lock or last_reserved_ip.N"));
                    continue;
            }
            var bytes = CniFiles.Read(path, HostLocalLeaseParser.MaxLeaseBytes, errors, out _);
            if (bytes is null) continue;
            if (HostLocalLeaseParser.TryParse(network, path, bytes, out var lease, out string? error)) leases.Add(lease);
            else errors.Add(new CniReadError(path, error!));
        }
        foreach (string directory in CniFiles.List(networkDir, directories: true, errors) ?? [])
            errors.Add(new CniReadError(directory, "a directory inside a host-local network directory"));
    }
}

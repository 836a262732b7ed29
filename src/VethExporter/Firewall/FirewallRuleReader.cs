using System.Diagnostics;

namespace VethExporter.Firewall;

/// <summary>
/// Lists the firewall rules of the scanned namespace with the tools that exist on this machine, run in
/// parallel, inside that namespace (through nsenter) when it is not our own.
/// </summary>
internal sealed class FirewallRuleReader(string? netnsPath)
{
    private static readonly (string Tool, string[] Arguments)[] Listings =
    [
        ("iptables-save", []),
        ("ip6tables-save", []),
        ("ebtables-save", []),
        ("nft", ["list", "ruleset"]),
    ];

    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin"];
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task<FirewallRules> ReadAsync(CancellationToken cancellationToken)
    {
        var runs = Listings
            .Select(listing => (listing.Tool, Path: Find(listing.Tool), listing.Arguments))
            .Where(listing => listing.Path is not null)
            .Select(listing => RunAsync(listing.Tool, listing.Path!, listing.Arguments, cancellationToken))
            .ToList();
        // No tool at all is not "no rules": the kernel may hold rules we cannot list, so it is doubt.
        if (runs.Count == 0) return new FirewallRules("", ["none of iptables-save, ip6tables-save, ebtables-save or nft is installed"]);
        var results = await Task.WhenAll(runs).ConfigureAwait(false);
        return new FirewallRules(
            string.Join('\n', results.Select(r => r.Output)),
            results.Where(r => r.Failure is not null).Select(r => r.Failure!).ToList());
    }

    private async Task<(string Output, string? Failure)> RunAsync(string tool, string path, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (netnsPath is null)
        {
            start.FileName = path;
        }
        else
        {
            start.FileName = Find("nsenter") ?? "nsenter";
            start.ArgumentList.Add($"--net={netnsPath}");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(path);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            string text = await output.ConfigureAwait(false);
            string stderr = (await error.ConfigureAwait(false)).Trim();
            return process.ExitCode == 0
                ? (text, null)
                : (text, $"{tool} exited with {process.ExitCode}: {FirstLine(stderr)}");
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return ("", $"{tool} could not be run: {e.Message}");
        }
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline];
    }

    private static string? Find(string tool) =>
        SearchPath.Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);
}

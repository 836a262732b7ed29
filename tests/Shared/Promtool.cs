using System.Diagnostics;

namespace VethExporter.TestSupport;

/// <summary>`promtool check metrics` (Debian package prometheus) on an exposition page, for both test projects.</summary>
internal static class Promtool
{
    public static string? Binary => new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);

    /// <summary>What promtool said about the page; empty when it found nothing wrong.</summary>
    public static async Task<(int ExitCode, string Problems)> CheckMetricsAsync(string page)
    {
        var start = new ProcessStartInfo(Binary ?? "promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(page);
        process.StandardInput.Close();
        string problems = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, problems.Trim());
    }
}

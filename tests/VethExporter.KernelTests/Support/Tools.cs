using System.Diagnostics;

namespace VethExporter.KernelTests.Support;

/// <summary>Runs the system tools tests build their fake hosts with; a failing command fails the test loudly.</summary>
public static class Tools
{
    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/bin"];

    public static string? Find(string tool) =>
        tool.Contains('/') ? tool : SearchPath.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    public static string Run(string tool, params string[] arguments)
    {
        var (code, output, error) = Execute(tool, arguments);
        if (code != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {code}: {error.Trim()}");
        return output;
    }

    public static bool TryRun(string tool, params string[] arguments) => Execute(tool, arguments).Code == 0;

    private static (int Code, string Output, string Error) Execute(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(Find(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish in 30 s");
        }
        return (process.ExitCode, output.Result, error);
    }
}
